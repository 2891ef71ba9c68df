import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Telemetry } from '@rx-telemetry/core';
import { profile, recentTraces, type Profiler, type RecentTraces } from '@rx-telemetry/profile';
import { AlertLog, type AlertRow } from './alert-log.js';
import { chartsOf, type ChartSpec } from './charts.js';
import { exceptionRows, type ExceptionRow } from './exceptions.js';
import { History } from './history.js';
import { checkOptions, type LivePageOptions } from './options.js';
import { Sampler } from './sampler.js';
import { compact, type SeriesInfo } from './series.js';
import { SseHub } from './sse.js';
import { loadAssets, queryOf, sendJson, serveAsset } from './static-files.js';

/** A route as `PrometheusReporter.listen({ routes })` takes it: a handler, or a streaming one. */
export type PageRoute = ((req: IncomingMessage, res: ServerResponse) => unknown) | { readonly handler: (req: IncomingMessage, res: ServerResponse) => unknown; readonly streaming: true };

/** Everything the page knows at one instant: what `/api/state` answers and a new stream starts with. */
export interface PageState {
  readonly title: string;
  readonly intervalMs: number;
  /** The aggregator's sliding window: what p50/p95/p99 cover. */
  readonly windowMs: number;
  readonly charts: readonly ChartSpec[];
  readonly series: readonly SeriesInfo[];
  /** Epoch ms of each point, oldest first. */
  readonly times: readonly number[];
  /** Per series key, one value per time (null: none). */
  readonly values: Readonly<Record<string, readonly (number | null)[]>>;
  readonly alerts: readonly AlertRow[];
  readonly exceptions: readonly ExceptionRow[];
  readonly links: Readonly<Record<string, string>>;
  readonly facts: Readonly<Record<string, string>>;
  readonly tracesKept: boolean;
  readonly droppedSeries: number;
}

/** One point, as each stream receives it every interval. */
export interface PageTick {
  readonly t: number;
  readonly values: Readonly<Record<string, number | null>>;
  /** Series seen for the first time. */
  readonly series?: readonly SeriesInfo[];
  /** The alert table, when it changed. */
  readonly alerts?: readonly AlertRow[];
  /** The exception list, when it changed. */
  readonly exceptions?: readonly ExceptionRow[];
}

export interface LivePage {
  /**
   * The page's routes, for `reporter.listen({ routes: page.routes })`: `/` (the page), `/assets/…`
   * (its script, style and uPlot), `/api/state`, `/api/events` (server-sent events, streaming),
   * `/api/trace?id=<correlationId>` (that job's trace, Chrome Trace JSON), `/api/profile?seconds=N`
   * (records N seconds, answers the profile).
   */
  readonly routes: Readonly<Record<string, PageRoute>>;
  /** The state now (what a new client gets first). */
  state(): PageState;
  /** Takes one point now (the timer does it every intervalMs) and sends it to every client. */
  tick(): PageTick;
  /** Live clients connected. */
  readonly clients: number;
  /** Stops sampling, ends every stream, forgets the traces. Idempotent; `telemetry.shutdown()` calls it. */
  stop(): Promise<void>;
}

let seq = 0;

/**
 * A live page of `options.aggregator`'s metrics, driven by its metric definitions: every
 * definition becomes a chart (or a line of a shared one, `reporterOptions.livePage`), so a new
 * definition appears without touching the page. Points are taken every second and kept on the
 * server (15 minutes by default), sent to browsers as server-sent events; alerts come from the
 * bus's alert events, exceptions from the spans that failed, each linked to its job's trace.
 *
 * ```ts
 * const page = livePage(telemetry, { aggregator });
 * await reporter.listen({ port: 9464, routes: page.routes });  // http://127.0.0.1:9464/
 * ```
 */
export function livePage(telemetry: Telemetry, options: LivePageOptions): LivePage {
  if (telemetry === null || typeof telemetry !== 'object' || typeof telemetry.manage !== 'function') throw new TypeError('livePage: telemetry must be a Telemetry instance');
  const o = checkOptions(options);
  if (o.aggregator.telemetry !== undefined && o.aggregator.telemetry !== telemetry) {
    throw new TypeError('livePage: options.aggregator listens on another Telemetry bus than the one given; pass the bus the aggregator was created with');
  }
  const id = `live-page-${++seq}`;
  const sampler = new Sampler(o.aggregator);
  const charts = chartsOf(sampler.definitions());
  const history = new History(o.historyPoints, o.maxSeries);
  const assets = loadAssets();
  const alerts = new AlertLog(telemetry, `${id}-alerts`);
  let traces: RecentTraces | undefined;
  try {
    traces = o.traces === undefined ? undefined : recentTraces(telemetry, o.traces);
  } catch (error) {
    alerts.detach();
    throw error;
  }
  const hub = new SseHub(o.maxClients);
  let sentAlerts = -1;
  let sentFailure: number | undefined;
  let profiling: Profiler | undefined;

  const state = (): PageState => {
    const { times, values } = history.toJSON();
    return {
      title: o.title,
      intervalMs: o.intervalMs,
      windowMs: o.aggregator.windowMs,
      charts,
      series: history.series,
      times,
      values,
      alerts: alerts.rows(),
      exceptions: traces === undefined ? [] : exceptionRows(traces),
      links: o.links,
      facts: o.facts,
      tracesKept: traces !== undefined,
      droppedSeries: history.droppedSeries,
    };
  };

  const tick = (): PageTick => {
    const sample = sampler.read(o.now());
    const added = sample.found.filter((info) => history.add(info));
    history.push(sample.t, sample.values);
    const values: Record<string, number | null> = {};
    for (const [key, v] of sample.values) if (history.has(key)) values[key] = compact(v);
    const message: { -readonly [K in keyof PageTick]: PageTick[K] } = { t: sample.t, values };
    if (added.length > 0) message.series = added;
    if (alerts.version !== sentAlerts) {
      sentAlerts = alerts.version;
      message.alerts = alerts.rows();
    }
    const latest = traces?.failures()[0]?.spanId;
    if (traces !== undefined && latest !== sentFailure) {
      sentFailure = latest;
      message.exceptions = exceptionRows(traces);
    }
    hub.send(message);
    return message;
  };
  const timer = setInterval(tick, o.intervalMs);
  timer.unref();

  const traceRoute = (req: IncomingMessage, res: ServerResponse): void => {
    const q = queryOf(req);
    const correlationId = q.get('id') ?? '';
    const trace = traces?.trace(correlationId);
    if (trace === undefined) return sendJson(res, 404, { error: traces === undefined ? 'traces are not kept (livePage traces: false)' : `no trace held for ${JSON.stringify(correlationId)}` });
    const name = correlationId.replace(/[^A-Za-z0-9._-]/g, '_');
    sendJson(res, 200, trace, q.has('download') ? { 'Content-Disposition': `attachment; filename="trace-${name}.json"` } : {});
  };

  const profileRoute = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const seconds = Number(queryOf(req).get('seconds') ?? '5');
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > o.maxProfileSeconds) return sendJson(res, 400, { error: `seconds must be in (0, ${o.maxProfileSeconds}]` });
    if (profiling !== undefined) return sendJson(res, 409, { error: 'a profile is already being recorded' });
    const recording = profile(telemetry, { durationMs: seconds * 1000 });
    profiling = recording;
    try {
      const trace = await recording.done;
      if (res.destroyed) return;
      const stamp = new Date(o.now()).toISOString().replace(/[:.]/g, '-');
      sendJson(res, 200, trace, { 'Content-Disposition': `attachment; filename="profile-${stamp}.json"` });
    } finally {
      profiling = undefined;
    }
  };

  const routes: Record<string, PageRoute> = {
    '/api/state': (_req: IncomingMessage, res: ServerResponse) => sendJson(res, 200, state()),
    '/api/events': { streaming: true, handler: (req: IncomingMessage, res: ServerResponse) => hub.open(req, res, state) },
    '/api/trace': traceRoute,
    '/api/profile': profileRoute,
  };
  for (const [path, asset] of assets) routes[path] = serveAsset(asset);

  const stop = telemetry.manage('live-page', async () => {
    clearInterval(timer);
    alerts.detach();
    hub.close();
    await Promise.all([traces?.stop(), profiling?.stop().catch(() => undefined)]);
  });
  return {
    routes: Object.freeze(routes),
    state,
    tick,
    get clients() {
      return hub.size;
    },
    stop,
  };
}
