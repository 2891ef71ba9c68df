import type { EventName } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import type { MetricState, Series } from '@rx-telemetry/hdr/internal';
import { escapeHelp, escapeLabelValue } from './escape.js';
import { family, type Family } from './family.js';
import { labelName, metricName } from './names.js';
import { Output } from './output.js';
import { pushTarget, pushText, type PushOptions } from './push.js';
import { renderFamily, samplePrefixes, type Format } from './render.js';
import { serve, type Listening, type ListenOptions } from './server.js';
import { writeAtomic } from './write-file.js';

/** Span events around each scrape served by `listen()` and each `push()`. */
export const SCRAPE_EVENT: EventName = Object.freeze(['telemetry', 'prometheus', 'scrape']);
export const PUSH_EVENT: EventName = Object.freeze(['telemetry', 'prometheus', 'push']);

export interface PrometheusReporterOptions {
  readonly aggregator: Aggregator;
  /** Prepended to every metric name, e.g. 'myapp_'. */
  readonly prefix?: string;
  /** Labels added to every series (a tag of the same name wins). */
  readonly defaultLabels?: Readonly<Record<string, string>>;
}

/**
 * Exposes an Aggregator in the Prometheus text format or OpenMetrics: served for scraping,
 * pushed to a Pushgateway, or written for node_exporter's textfile collector.
 *
 * ```ts
 * const reporter = new PrometheusReporter({ aggregator, prefix: 'shop_', defaultLabels: { service: 'checkout' } });
 * const server = await reporter.listen({ port: 9464 });   // GET http://127.0.0.1:9464/metrics
 * await reporter.push({ url: 'http://127.0.0.1:9091', job: 'nightly-import' });
 * await reporter.writeFile('/var/lib/node_exporter/textfile/checkout.prom');
 * await server.close();
 * ```
 */
export class PrometheusReporter {
  readonly #aggregator: Aggregator;
  readonly #prefix: string;
  readonly #defaults: readonly (readonly [string, string])[];
  readonly #families = new Map<MetricState, Family>();
  // A Map, not a WeakMap: series live as long as their aggregator, and ephemeron tables of
  // 10,000 entries slow down every major GC.
  readonly #prefixes = new Map<Series, readonly string[]>();
  readonly #counts: number[] = [];
  readonly #servers = new Set<Listening>();

  constructor(options: PrometheusReporterOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('PrometheusReporter: options must be an object');
    if (!(options.aggregator instanceof Aggregator)) throw new TypeError('PrometheusReporter: options.aggregator must be an Aggregator');
    const prefix = options.prefix ?? '';
    if (typeof prefix !== 'string') throw new TypeError('PrometheusReporter: prefix must be a string');
    const defaults = options.defaultLabels ?? {};
    if (defaults === null || typeof defaults !== 'object') throw new TypeError('PrometheusReporter: defaultLabels must be an object of strings');
    const labelOf = new Map<string, string>();
    for (const [k, v] of Object.entries(defaults)) {
      if (typeof v !== 'string') throw new TypeError(`PrometheusReporter: defaultLabels.${k} must be a string`);
      if (k === '') throw new TypeError('PrometheusReporter: defaultLabels has an empty label name');
      const name = labelName(k);
      // `le`/`quantile` belong to histogram/summary samples, `metric` labels the self-metrics.
      if (name === 'le' || name === 'quantile' || name === 'metric') {
        throw new TypeError(`PrometheusReporter: defaultLabels.${k} becomes the reserved label ${JSON.stringify(name)}`);
      }
      const clash = labelOf.get(name);
      if (clash !== undefined) throw new TypeError(`PrometheusReporter: defaultLabels.${clash} and defaultLabels.${k} both become the label ${JSON.stringify(name)}`);
      labelOf.set(name, k);
    }
    this.#aggregator = options.aggregator;
    this.#prefix = prefix === '' || prefix.endsWith('_') ? prefix : `${prefix}_`;
    this.#defaults = Object.entries(defaults).map(([k, v]) => [labelName(k), v] as const);
    const names = new Map<string, string>();
    for (const st of this.#aggregator._states()) {
      const f = family(st, this.#prefix, new Set());
      const clash = names.get(f.name);
      if (clash !== undefined) throw new TypeError(`PrometheusReporter: metrics ${JSON.stringify(clash)} and ${JSON.stringify(st.def.name)} both become ${f.name}`);
      names.set(f.name, st.def.name);
      this.#families.set(st, f);
    }
  }

  /** The exposition now: Prometheus text format 0.0.4 (default) or OpenMetrics 1.0 (ends with `# EOF`). */
  render(format: Format = 'text'): string {
    if (format !== 'text' && format !== 'openmetrics') throw new TypeError(`render: format must be 'text' or 'openmetrics', got ${String(format)}`);
    const states = this.#aggregator._states();
    const epoch = this.#aggregator._epoch();
    const prefixesOf = this.#prefixesOf;
    const parts = new Output();
    for (const st of states) renderFamily(parts, this.#families.get(st) as Family, format, epoch, prefixesOf, this.#counts);
    parts.push(this.#selfMetrics(states, format));
    if (format === 'openmetrics') parts.push('# EOF\n');
    return parts.toString();
  }

  /**
   * Serves GET /metrics (format by the Accept header) and GET /health on 127.0.0.1 unless `host`
   * says otherwise. See ListenOptions for `token` and `health`.
   */
  async listen(options: ListenOptions = {}): Promise<Listening> {
    const telemetry = this.#aggregator.telemetry;
    const server = await serve(
      (format) =>
        telemetry.span(SCRAPE_EVENT, { format }, (scope) => {
          const body = this.render(format);
          scope.measure({ bytes: body.length });
          return body;
        }),
      options,
    );
    const listening: Listening = {
      url: server.url,
      close: async () => {
        this.#servers.delete(listening);
        await server.close();
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
    await this.#aggregator.telemetry.span(PUSH_EVENT, { url: target.shown, job: options.job }, () => pushText(body, target));
  }

  /** Writes the text exposition atomically (temp file + rename), for node_exporter's textfile collector. */
  async writeFile(path: string): Promise<void> {
    await writeAtomic(path, this.render('text'));
  }

  // Sample prefixes are built once per series and reporter, then reused by every scrape.
  readonly #prefixesOf = (s: Series, f: Family): readonly string[] => {
    const cached = this.#prefixes.get(s);
    if (cached !== undefined) return cached;
    const pairs: string[] = [];
    const own = new Set<string>();
    for (const k of Object.keys(s.tags)) {
      const i = f.state.tags.indexOf(k);
      const name = i === -1 ? labelName(k) : f.labels[i];
      own.add(name);
      pairs.push(`${name}="${escapeLabelValue(s.tags[k])}"`);
    }
    const defaults = this.#defaults.filter(([k]) => !own.has(k)).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
    const prefixes = samplePrefixes(f, [...defaults, ...pairs].join(','));
    this.#prefixes.set(s, prefixes);
    return prefixes;
  };

  #selfMetrics(states: readonly MetricState[], format: Format): string {
    const om = format === 'openmetrics';
    let out = '';
    for (const [what, help, get] of [
      ['dropped_events', 'Events skipped for a missing or non-finite measurement or a missing tag', (st: MetricState) => st.dropped],
      ['overflow_events', 'Events folded into the overflow series after maxSeriesPerMetric', (st: MetricState) => st.overflowed],
    ] as const) {
      const name = metricName(`${this.#prefix}rx_telemetry_${what}`);
      out += om ? `# TYPE ${name} counter\n# HELP ${name} ${escapeHelp(help, true)}\n` : `# HELP ${name}_total ${escapeHelp(help, false)}\n# TYPE ${name}_total counter\n`;
      const defaults = this.#defaults.filter(([k]) => k !== 'metric').map(([k, v]) => `${k}="${escapeLabelValue(v)}",`).join('');
      for (const st of states) out += `${name}_total{${defaults}metric="${(this.#families.get(st) as Family).name}"} ${get(st)}\n`;
    }
    return out;
  }
}
