import { isMetricDefinition, type MetricDefinition } from '@rx-telemetry/core';
import type { DefaultBuckets } from './buckets.js';

export interface AggregatorOptions {
  readonly metrics: readonly MetricDefinition[];
  /** Sliding window for the `window` stats and summary quantiles; default 60 s in 6 slices. */
  readonly window?: { readonly durationMs: number; readonly slices: number };
  /** HdrHistogram precision, 1..5; default 2 (1% relative), which keeps 1,000 windowed series under 50 MB. */
  readonly significantDigits?: number;
  /** Tag sets per metric before further ones fold into `{ overflow: 'true' }`; default 10,000. */
  readonly maxSeriesPerMetric?: number;
  /**
   * Removes a series nobody updated for this long (ms), from the store and from `collect()`;
   * recorded again later, it starts fresh (counts from 0, a later `created`). Measured in window
   * slices: the sweep at each slice boundary removes series whose last update's slice ended at
   * least `idleSeriesMs`, rounded up to whole slices, ago. Default: series are never removed.
   */
  readonly idleSeriesMs?: number;
  /**
   * Counters and distributions keep the latest exemplar (value, trace and span id, timestamp) per
   * series, and per Prometheus bucket for a distribution, of records made while a span is active
   * (read through `collect()`). A record keeps a reference to the span (core's
   * `currentTraceSource()`) and its ids are made only when read. Default false: a record with no
   * span active still pays the context lookup (~5 ns); turn it on when traces are exported.
   */
  readonly exemplars?: boolean;
  /**
   * Bucket bounds (in the metric's unit) of a distribution without `reporterOptions.buckets`;
   * without it such a distribution keeps no bucket counts. `defaultBuckets` of
   * `@rx-telemetry/prometheus` gives Prometheus' defaults.
   */
  readonly defaultBuckets?: DefaultBuckets;
  /** Milliseconds clock for the window (tests inject one with fake timers); default `performance.now`. */
  readonly now?: () => number;
}

export interface Checked {
  readonly metrics: readonly MetricDefinition[];
  readonly durationMs: number;
  readonly slices: number;
  readonly significantDigits: number;
  readonly maxSeries: number;
  readonly idleSeriesMs: number | undefined;
  readonly exemplars: boolean;
  readonly defaultBuckets: DefaultBuckets | undefined;
  readonly now: () => number;
}

export function positiveInt(value: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new TypeError(`Aggregator: ${what} must be an integer from 1 to ${max}, got ${String(value)}`);
  }
  return value;
}

/** AggregatorOptions validated, defaults filled in; a TypeError naming the problem otherwise. */
export function checkOptions(options: AggregatorOptions): Checked {
  if (options === null || typeof options !== 'object') throw new TypeError('Aggregator: options must be an object');
  const { metrics } = options;
  if (!Array.isArray(metrics) || metrics.length === 0) throw new TypeError('Aggregator: options.metrics must be a non-empty array of metric definitions');
  const window = options.window ?? { durationMs: 60_000, slices: 6 };
  if (window === null || typeof window !== 'object') throw new TypeError('Aggregator: options.window must be { durationMs, slices }');
  const durationMs = positiveInt(window.durationMs, 'window.durationMs');
  const slices = positiveInt(window.slices, 'window.slices', 1000);
  if (durationMs / slices < 1) throw new TypeError('Aggregator: a window slice must last at least 1 ms');
  const significantDigits = positiveInt(options.significantDigits ?? 2, 'significantDigits', 5);
  const maxSeries = positiveInt(options.maxSeriesPerMetric ?? 10_000, 'maxSeriesPerMetric');
  const idleSeriesMs = options.idleSeriesMs === undefined ? undefined : positiveInt(options.idleSeriesMs, 'idleSeriesMs');
  const exemplars = options.exemplars ?? false;
  if (typeof exemplars !== 'boolean') throw new TypeError('Aggregator: options.exemplars must be a boolean');
  const now = options.now ?? (() => performance.now());
  if (typeof now !== 'function') throw new TypeError('Aggregator: options.now must be a function');
  const defaultBuckets = options.defaultBuckets;
  if (defaultBuckets !== undefined && typeof defaultBuckets !== 'function') throw new TypeError('Aggregator: options.defaultBuckets must be a function (unit, definition) => bounds');
  const names = new Set<string>();
  for (const def of metrics) {
    if (!isMetricDefinition(def)) throw new TypeError('Aggregator: every metric must come from counter(), sum(), lastValue(), summary() or distribution()');
    if (names.has(def.name)) throw new TypeError(`Aggregator: metric ${JSON.stringify(def.name)} is defined twice`);
    // The overflow series is labelled { overflow: 'true' }: a tag of that name could produce a
    // real series with the very same labels (a duplicate series for every exporter).
    if (def.tags.includes('overflow')) throw new TypeError(`Aggregator: metric ${JSON.stringify(def.name)} has a tag named "overflow", which is reserved for the overflow series`);
    names.add(def.name);
  }
  return { metrics, durationMs, slices, significantDigits, maxSeries, idleSeriesMs, exemplars, defaultBuckets, now };
}
