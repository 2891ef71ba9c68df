import type { Writable } from 'node:stream';
import { attachMetrics, type EventName, type Measurements, type Metadata, type MetricReader, type MetricsAttachment, type Telemetry } from '@rx-telemetry/core';
import StatsDClient, { type StatsD } from 'hot-shots';
import { DropReport } from './drop-report.js';
import { resolveOptions, type ResolvedOptions, type StatsdReporterOptions } from './options.js';
import { sanitizeName, sanitizeSegment, sanitizeTagValue } from './sanitize.js';
import { STATSD_DROPPED_EVENT } from './statsd-dropped-event.js';
import { STATSD_ERROR_EVENT } from './statsd-error-event.js';
import { globalSuffix, statsdMetric, type StatsdMetric } from './statsd-metric.js';
import { AggregatedContext, ClientAggregation, packWidth } from './client-aggregation.js';
import { CLOSE_GRACE_MS, TcpLink } from './tcp-link.js';
import { RecentTimes } from './recent-times.js';

let reporterSeq = 0;
// hot-shots waits up to 11 x 50 ms for in-flight sends before closing; a TCP link then lets its
// queue reach the kernel for up to CLOSE_GRACE_MS.
const CLOSE_TIMEOUT_MS = 1500 + CLOSE_GRACE_MS;
/** How far back the health check looks for errors and drops. */
const HEALTH_WINDOW_MS = 60_000;
/** With aggregation, timer values held between flushes: at most this many per allowed context (40,000 by default). */
const HELD_VALUES_PER_CONTEXT = 8;

/**
 * Reports metric definitions to a StatsD server through hot-shots, the way Elixir's
 * telemetry_metrics_statsd does: counter and sum → `c`, lastValue → `g`, summary → `ms`
 * (DogStatsD `h`), distribution → `ms` (DogStatsD `d`). Optionally aggregates counts and gauges
 * in the client (`aggregation`) and timestamps DogStatsD gauges (`timestamps`).
 *
 * ```ts
 * const reporter = new StatsdReporter(telemetry, {
 *   metrics: [
 *     counter('http.request.stop.count', { tags: ['route'] }),
 *     distribution('http.request.stop.duration', { tags: ['route'], unit: { from: 'nanosecond', to: 'millisecond' } }),
 *   ],
 *   port: 8125,
 *   formatter: 'datadog',
 *   onError: (err) => console.warn('statsd:', err.message),
 * });
 * // ... later; telemetry.shutdown() does the same
 * await reporter.stop();
 * ```
 */
export class StatsdReporter {
  /** This reporter's name: its handler id prefix, its part and health check name on the bus, the `reporter` metadata of its events. */
  readonly id: string;
  readonly #telemetry: Telemetry;
  readonly #options: ResolvedOptions;
  readonly #client: StatsD;
  readonly #tagged: string[];
  readonly #standard: boolean;
  readonly #suffix: string;
  readonly #drops: DropReport;
  readonly #aggregation: ClientAggregation | undefined;
  readonly #attachment: MetricsAttachment;
  readonly #removeHealthCheck: () => void;
  readonly #stop: () => Promise<void>;
  readonly #recentErrors = new RecentTimes(HEALTH_WINDOW_MS);
  readonly #recentDrops = new RecentTimes(HEALTH_WINDOW_MS);
  #errors = 0;
  #reporting = false;

  constructor(telemetry: Telemetry, options: StatsdReporterOptions) {
    if (telemetry === null || typeof telemetry !== 'object' || typeof telemetry.manage !== 'function') {
      throw new TypeError('StatsdReporter: the first argument must be a Telemetry instance');
    }
    this.#telemetry = telemetry;
    const o = resolveOptions(options);
    this.#options = o;
    this.id = `statsd-reporter-${++reporterSeq}`;
    this.#standard = o.formatter === 'standard';
    this.#suffix = this.#standard ? globalSuffix(o.globalTags) : '';
    this.#tagged = Object.entries(o.globalTags).map(([k, v]) => `${sanitizeName(k)}:${sanitizeTagValue(v)}`);
    this.#drops = new DropReport((count, total) => this.#emitSafely(STATSD_DROPPED_EVENT, { count, total }, { reporter: this.id }));
    this.#client = this.#connect();
    const agg = o.aggregation;
    this.#aggregation = agg === undefined ? undefined : new ClientAggregation(this.#client, agg.maxContexts, agg.maxContexts * HELD_VALUES_PER_CONTEXT, agg.flushInterval, (error) => this.#fail(error));
    try {
      this.#attachment = attachMetrics(telemetry, this.id, o.metrics, (reader) => this.#recorder(reader));
    } catch (error) {
      this.#aggregation?.stop();
      this.#client.close(() => undefined);
      throw error;
    }
    this.#removeHealthCheck = telemetry.addHealthCheck(this.id, () => this.#health());
    this.#stop = telemetry.manage(this.id, () => this.#close());
  }

  /** Errors met so far (each also went to `onError` and out as a `['telemetry','statsd','error']` event). */
  get errors(): number {
    return this.#errors;
  }

  /**
   * Lines dropped so far (TCP: past `maxQueueBytes`, while the connection was down, or still queued
   * when `stop()` gave up on them); they also went out as `['telemetry','statsd','dropped']` events.
   */
  get dropped(): number {
    return this.#drops.total;
  }

  /**
   * Detaches from the bus and removes its health check, sends what is buffered (the final packet)
   * and closes the socket, then reports what was dropped. Idempotent: every call returns the same
   * promise. `telemetry.shutdown()` calls it. Never rejects: close errors go to `onError` like any other.
   */
  stop(): Promise<void> {
    return this.#stop();
  }

  /**
   * Sends what is held now: the aggregated counts, gauges and timer values (with `aggregation`),
   * and hot-shots' packet buffer. Resolves once the socket took the packet (bounded, like `stop()`).
   * Never rejects: errors go to `onError`. Nothing needs it (the intervals and `stop()` send
   * everything); it is for a caller that wants the lines out now, before a scrape or an exit.
   */
  flush(): Promise<void> {
    try {
      this.#aggregation?.flush();
    } catch (error) {
      this.#fail(error);
    }
    return this.#bounded('flush', (done) => this.#client.flush(done));
  }

  /** Runs a hot-shots call that calls back once, resolving when it does or after CLOSE_TIMEOUT_MS. */
  #bounded(what: string, call: (done: (error?: Error) => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      // hot-shots never calls back when a socket it waits on was already gone: bound the wait.
      const timer = setTimeout(() => {
        this.#fail(new Error(`StatsdReporter: the socket did not confirm its ${what} within ${CLOSE_TIMEOUT_MS} ms`));
        resolve();
      }, CLOSE_TIMEOUT_MS);
      const done = (error?: Error): void => {
        clearTimeout(timer);
        if (error) this.#fail(error);
        resolve();
      };
      try {
        call(done);
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  #close(): Promise<void> {
    this.#attachment.detach();
    this.#removeHealthCheck();
    // The last aggregated lines join hot-shots' buffer, which close() sends.
    this.#aggregation?.stop();
    return this.#bounded('close', (done) => this.#client.close(done)).then(() => this.#drops.flush());
  }

  #health(): { status: 'healthy' | 'degraded'; detail: string; value: number } {
    const errors = this.#recentErrors.count();
    const drops = this.#recentDrops.count();
    if (errors === 0 && drops === 0) return { status: 'healthy', detail: 'no StatsD send errors or dropped lines in the last minute', value: 0 };
    return { status: 'degraded', detail: `${errors} StatsD error(s) and ${drops} drop(s) of lines in the last minute`, value: errors + drops };
  }

  #connect(): StatsD {
    const o = this.#options;
    const tcp = o.protocol === 'tcp';
    const onDrop = (lines: number): void => {
      this.#recentDrops.add();
      this.#drops.add(lines);
    };
    return new StatsDClient({
      host: o.protocol === 'udp' ? o.host : undefined,
      path: o.protocol === 'uds' ? o.host : undefined,
      port: tcp ? undefined : o.port,
      // hot-shots' own TCP transport holds whatever a server does not read, without a bound.
      protocol: tcp ? 'stream' : o.protocol,
      stream: tcp ? (new TcpLink(o.host, o.port, o.maxQueueBytes, onDrop) as unknown as Writable) : undefined,
      prefix: o.prefix === undefined ? undefined : sanitizeName(o.prefix),
      globalTags: this.#standard ? undefined : this.#tagged,
      telegraf: o.formatter === 'telegraf',
      // Explicit configuration only: no DD_* environment tags, container ids or client telemetry
      // lines that a plain StatsD server would count as bad lines.
      datadog: o.formatter === 'datadog',
      includeDataDogTags: false,
      originDetection: false,
      includeDatadogTelemetry: false,
      maxBufferSize: o.maxBufferSize,
      bufferFlushInterval: o.bufferFlushInterval,
      // Aggregation is this reporter's own (client-aggregation.ts).
      aggregation: false,
      errorHandler: (error) => this.#fail(error),
    });
  }

  #recorder(reader: MetricReader): (event: EventName, measurements: Measurements, metadata: Metadata) => void {
    const metric = statsdMetric(reader.definition, this.#options.formatter, this.#options.sampleRate, this.#options.timestamps, this.#aggregation !== undefined);
    return (_event, measurements, metadata) => {
      try {
        this.#report(metric, reader, measurements, metadata);
      } catch (error) {
        this.#fail(error);
      }
    };
  }

  #report(metric: StatsdMetric, reader: MetricReader, measurements: Measurements, metadata: Metadata): void {
    if (!reader.accepts(measurements, metadata)) return;
    const value = reader.value(measurements, metadata);
    if (value === undefined) return;
    const prefixes = metric.tagPrefixes;
    if (prefixes.length === 0) {
      const name = this.#standard ? metric.base + this.#suffix : metric.base;
      if (metric.aggregated) {
        const context = (metric.single ??= new AggregatedContext(metric.send, name, undefined, metric.gauge, metric.timer, this.#packFor(metric, name, undefined)));
        if (this.#aggregation!.add(context, value)) return;
      }
      metric.send(this.#client, name, value, metric.rate, undefined);
      return;
    }
    const values = reader.tagValues(metadata);
    if (values === undefined) return;
    if (metric.aggregated) {
      // A cached context skips building the name or tag list.
      let context = metric.contexts.get(values);
      if (context === undefined) {
        const name = this.#standard ? this.#nameOf(metric, values) : metric.base;
        const tags = this.#standard ? undefined : this.#tagsOf(metric, values);
        context = new AggregatedContext(metric.send, name, tags, metric.gauge, metric.timer, this.#packFor(metric, name, tags));
        metric.contexts.set(values, context);
      }
      if (this.#aggregation!.add(context, value)) return;
      metric.send(this.#client, context.name, value, metric.rate, context.tags);
      return;
    }
    if (this.#standard) metric.send(this.#client, this.#nameOf(metric, values), value, metric.rate, undefined);
    else metric.send(this.#client, metric.base, value, metric.rate, this.#tagsOf(metric, values));
  }

  /** For a packable timer context, the characters its packed values may take (packWidth); 0 for every other context. */
  #packFor(metric: StatsdMetric, name: string, tags: readonly string[] | undefined): number {
    return metric.packable ? packWidth(this.#options.maxBufferSize, this.#options.prefix, name, tags, this.#tagged) : 0;
  }

  /** The standard formatter's full name for these tag values (cached). */
  #nameOf(metric: StatsdMetric, values: readonly string[]): string {
    let name = metric.names.get(values);
    if (name === undefined) {
      name = metric.base;
      for (let i = 0; i < values.length; i++) name += '.' + sanitizeSegment(values[i]);
      name += this.#suffix;
      metric.names.set(values, name);
    }
    return name;
  }

  /** The DogStatsD/Telegraf tag list for these tag values (cached). */
  #tagsOf(metric: StatsdMetric, values: readonly string[]): string[] {
    let tags = metric.tagLists.get(values);
    if (tags === undefined) {
      const prefixes = metric.tagPrefixes;
      tags = new Array<string>(values.length);
      for (let i = 0; i < values.length; i++) tags[i] = prefixes[i] + sanitizeTagValue(values[i]);
      metric.tagLists.set(values, tags);
    }
    return tags;
  }

  #fail(cause: unknown): void {
    const error = cause instanceof Error ? cause : new Error(String(cause));
    this.#errors++;
    this.#recentErrors.add();
    const onError = this.#options.onError;
    if (onError !== undefined) {
      try {
        onError(error);
      } catch {
        // A throwing onError must not reach the emitter or the socket's event loop.
      }
    }
    this.#emitSafely(STATSD_ERROR_EVENT, { count: 1 }, { error, reporter: this.id });
  }

  #emitSafely(event: EventName, measurements: Measurements, metadata: Metadata): void {
    // A metric defined on these events could fail again: report one level deep only.
    if (this.#reporting) return;
    this.#reporting = true;
    try {
      this.#telemetry.emit(event, measurements, metadata);
    } catch {
      // emit never throws because of a handler; this guards a broken Telemetry only.
    } finally {
      this.#reporting = false;
    }
  }
}
