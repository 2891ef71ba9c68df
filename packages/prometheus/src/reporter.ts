import { Telemetry } from '@rx-telemetry/core';
import { Aggregator, type CollectedMetric, type CollectedSeries } from '@rx-telemetry/hdr';
import { escapeLabelValue } from './escape.js';
import { CONNECTION_CLOSED_EVENT, PUSH_EVENT, ROUTE_FAILURE_EVENT, SCRAPE_EVENT } from './events.js';
import type { Family } from './family.js';
import { checkedDefaults, familiesOf } from './families.js';
import { labelName } from './names.js';
import { Output } from './output.js';
import { PrefixCache } from './prefix-cache.js';
import { pushTarget, pushText, type PushOptions } from './push.js';
import { schedulePushes, type PushEveryOptions, type Pushing } from './push-schedule.js';
import { Renderer, samplePrefixes, type Format } from './render.js';
import { serve, type Listening, type ListenOptions } from './server.js';
import { selfMetricsText } from './self-metrics.js';
import { RecentFailures } from './recent-failures.js';
import { writeAtomic } from './write-file.js';

let seq = 0;

export interface PrometheusReporterOptions {
  /** The store to expose; it must listen on the reporter's bus (or be `Aggregator.restore`'s, on none). */
  readonly aggregator: Aggregator;
  /** Prepended to every metric name, e.g. 'myapp_'. */
  readonly prefix?: string;
  /** Labels added to every series (a tag of the same name wins). */
  readonly defaultLabels?: Readonly<Record<string, string>>;
}

/**
 * Exposes an Aggregator in the Prometheus text format or OpenMetrics: served for scraping,
 * pushed to a Pushgateway, or written for node_exporter's textfile collector. Create it after
 * the aggregator: it stops first on `telemetry.shutdown()`, so its final push reads live data.
 *
 * ```ts
 * const reporter = new PrometheusReporter(telemetry, { aggregator, prefix: 'shop_', defaultLabels: { service: 'checkout' } });
 * await reporter.listen({ port: 9464 });   // GET http://127.0.0.1:9464/metrics
 * reporter.pushEvery({ url: 'http://127.0.0.1:9091', job: 'nightly-import', intervalMs: 15_000 });
 * await telemetry.shutdown();              // final push, server closed
 * ```
 */
export class PrometheusReporter {
  readonly #telemetry: Telemetry;
  readonly #aggregator: Aggregator;
  readonly #prefix: string;
  readonly #defaults: readonly (readonly [string, string])[];
  readonly #families: Map<CollectedMetric, Family>;
  readonly #renderer: Renderer;
  readonly #metrics: CollectedMetric[] = [];
  readonly #servers = new Set<Listening>();
  readonly #pushing = new Set<Pushing>();
  readonly #stop: () => Promise<void>;
  readonly #removeHealthCheck: () => void;
  readonly #pushFailures = new RecentFailures();
  #stopped = false;
  /** The name of its health check on the bus: `prometheus-reporter-<n>`. */
  readonly id = `prometheus-reporter-${++seq}`;

  constructor(telemetry: Telemetry, options: PrometheusReporterOptions) {
    if (!(telemetry instanceof Telemetry)) throw new TypeError('PrometheusReporter: the first argument must be the Telemetry bus: new PrometheusReporter(telemetry, { aggregator })');
    if (options === null || typeof options !== 'object') throw new TypeError('PrometheusReporter: options must be an object');
    const aggregator = options.aggregator;
    if (!(aggregator instanceof Aggregator)) throw new TypeError('PrometheusReporter: options.aggregator must be an Aggregator');
    if (aggregator.telemetry !== undefined && aggregator.telemetry !== telemetry) {
      throw new TypeError('PrometheusReporter: options.aggregator listens on another Telemetry bus than the one given; pass the bus the aggregator was created with');
    }
    const prefix = options.prefix ?? '';
    if (typeof prefix !== 'string') throw new TypeError('PrometheusReporter: prefix must be a string');
    this.#telemetry = telemetry;
    this.#aggregator = aggregator;
    this.#prefix = prefix === '' || prefix.endsWith('_') ? prefix : `${prefix}_`;
    this.#defaults = checkedDefaults(options.defaultLabels);
    this.#families = familiesOf(aggregator, this.#prefix);
    aggregator.collect({
      metric: (m) => {
        this.#metrics.push(m);
        return false;
      },
    });
    this.#renderer = new Renderer(this.#families, new PrefixCache(this.#prefixesOf));
    this.#removeHealthCheck = telemetry.addHealthCheck(this.id, () => this.#health());
    this.#stop = telemetry.manage('prometheus-reporter', () => this.#close());
  }

  /** The exposition now: Prometheus text format 0.0.4 (default) or OpenMetrics 1.0 (ends with `# EOF`). Reads, never writes. */
  render(format: Format = 'text'): string {
    if (format !== 'text' && format !== 'openmetrics') throw new TypeError(`render: format must be 'text' or 'openmetrics', got ${String(format)}`);
    const out: Output = this.#renderer.begin(format);
    this.#aggregator.collect(this.#renderer);
    this.#renderer.end();
    out.push(selfMetricsText(this.#prefix, this.#defaults, this.#metrics, this.#families, format));
    if (format === 'openmetrics') out.push('# EOF\n');
    return out.toString();
  }

  /**
   * Serves GET /metrics (format by the Accept header), GET /health and the extra `routes` on
   * 127.0.0.1 unless `host` says otherwise. See ListenOptions. `stop()` closes it.
   */
  async listen(options: ListenOptions = {}): Promise<Listening> {
    this.#live('listen');
    const telemetry = this.#telemetry;
    const server = await serve(
      (format) =>
        telemetry.span(SCRAPE_EVENT, { format }, (scope) => {
          const body = this.render(format);
          scope.measure({ bytes: body.length });
          return body;
        }),
      options,
      {
        onClosed: (reason, socket) => telemetry.emit(CONNECTION_CLOSED_EVENT, {}, { reason, remoteAddress: socket.remoteAddress ?? '' }),
        onRouteFailure: (path, error) => telemetry.emit(ROUTE_FAILURE_EVENT, {}, { path, error }),
      },
    );
    const listening: Listening = {
      url: server.url,
      close: () => {
        this.#servers.delete(listening);
        return server.close();
      },
    };
    this.#servers.add(listening);
    return listening;
  }

  /**
   * Pushes the text exposition to a Pushgateway group (PUT: replaces the group). A `user:pass@`
   * in the URL is sent as Basic auth and never shown: the span's `url` and error messages carry
   * the URL without it.
   */
  async push(options: PushOptions): Promise<void> {
    const target = pushTarget(options);
    const body = this.render('text');
    try {
      await this.#telemetry.span(PUSH_EVENT, { url: target.shown, job: options.job }, () => pushText(body, target));
    } catch (error) {
      this.#pushFailures.add();
      throw error;
    }
  }

  /** Pushes every `intervalMs` until stopped; the reporter's `stop()` (or the returned one) pushes a last time. */
  pushEvery(options: PushEveryOptions): Pushing {
    this.#live('pushEvery');
    pushTarget(options); // fail now, not on the timer
    const schedule = schedulePushes(() => this.push(options), options.intervalMs);
    const pushing: Pushing = {
      stop: () => {
        this.#pushing.delete(pushing);
        return schedule.stop();
      },
    };
    this.#pushing.add(pushing);
    return pushing;
  }

  /** Writes the text exposition atomically (temp file + rename), for node_exporter's textfile collector. */
  async writeFile(path: string): Promise<void> {
    await writeAtomic(path, this.render('text'));
  }

  /**
   * Final pushes, then closes every `listen()` server (open connections too), removes its health
   * check and unregisters from the bus's shutdown. Idempotent: every call returns the same promise, which rejects
   * when a final push failed (the push span reported it too). `render()` keeps working.
   */
  stop(): Promise<void> {
    return this.#stop();
  }

  async #close(): Promise<void> {
    this.#stopped = true;
    this.#removeHealthCheck();
    const pushes = await Promise.allSettled([...this.#pushing].map((p) => p.stop()));
    await Promise.allSettled([...this.#servers].map((s) => s.close()));
    const failed = pushes.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    if (failed.length === 1) throw failed[0];
    if (failed.length > 1) throw new AggregateError(failed, `${failed.length} final pushes failed`);
  }

  // Degraded while pushes fail; scrapes are the scraper's to judge (Prometheus' `up`).
  #health(): { status: 'healthy' | 'degraded'; detail: string; value: number } {
    const failed = this.#pushFailures.count();
    if (failed === 0) return { status: 'healthy', detail: `no failed push in the last minute; ${this.#servers.size} listen() server(s)`, value: 0 };
    return { status: 'degraded', detail: `${failed} failed push(es) to a Pushgateway in the last minute`, value: failed };
  }

  #live(what: string): void {
    if (this.#stopped) throw new Error(`PrometheusReporter.${what}: the reporter is stopped`);
  }

  // Sample prefixes are built once per series and reporter (PrefixCache), then reused by every scrape.
  readonly #prefixesOf = (s: CollectedSeries, f: Family): readonly string[] => {
    const pairs: string[] = [];
    const own = new Set<string>();
    const tags = f.metric.definition.tags;
    for (const k of Object.keys(s.tags)) {
      const i = tags.indexOf(k);
      const name = i === -1 ? labelName(k) : f.labels[i];
      own.add(name);
      pairs.push(`${name}="${escapeLabelValue(s.tags[k])}"`);
    }
    const defaults = this.#defaults.filter(([k]) => !own.has(k)).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
    return samplePrefixes(f, [...defaults, ...pairs].join(','));
  };
}
