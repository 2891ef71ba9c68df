import type { MetricDefinition } from '@rx-telemetry/core';
import type { Exemplar, ExemplarReading, ExemplarStore } from './exemplars.js';
import type { HistogramStore, Stats } from './histogram-store.js';
import type { HistogramStats } from './snapshot.js';
import { histogramStats, percentilesOf } from './stats.js';

/** One metric as `collect()` hands it out: the same object on every read (a key to cache by). */
export interface CollectedMetric {
  readonly definition: MetricDefinition;
  /** distribution: the bounds that `cumulativeCounts` counts up to; undefined for other types or a distribution without bounds. */
  readonly buckets: readonly number[] | undefined;
  /** Events skipped: missing or non-finite measurement, missing tag, negative histogram value, a throwing keep/measurement/tagValues function. */
  readonly droppedEvents: number;
  /** Events folded into the `{ overflow: 'true' }` series because of `maxSeriesPerMetric`. */
  readonly overflowSeries: number;
  /** Events whose tag values held lone UTF-16 surrogates, recorded under the value with each replaced by U+FFFD. */
  readonly foldedEvents: number;
  /** Series removed because nobody updated them for `idleSeriesMs` (since the start; 0 without the option). */
  readonly removedSeries: number;
  /** Series held now (the overflow series included). */
  readonly liveSeries: number;
}

/** One series (tag set) of a metric: the same object on every read for as long as it exists. */
export interface CollectedSeries {
  /** Tag values by tag name; the overflow series is `{ overflow: 'true' }`. */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * When this series was created, in ms since the Unix epoch: its counts start there. A series
   * removed as idle (`idleSeriesMs`) that is recorded again is a new series (a new object, counts
   * from 0) with a later `created` — OpenMetrics' `_created`.
   */
  readonly created: number;
}

/** A histogram's counts over one span of time (since the start, or the sliding window). */
export interface HistogramPart {
  readonly count: number;
  readonly sum: number;
  /** 0 when empty. */
  readonly min: number;
  /** 0 when empty. */
  readonly max: number;
  /**
   * Values at ascending `percentiles` (0 < p <= 100) in the metric's unit, written into `out`:
   * HdrHistogram's (within 10^-significantDigits relative), clamped into [min, max]; zeros when empty.
   */
  percentiles(percentiles: readonly number[], out: number[]): number[];
  /** `{ count, sum, min, max, mean, p50, p90, p95, p99, p999 }` as a new frozen object. */
  stats(): HistogramStats;
}

/** A summary or distribution series at the instant of the read. Reused: read it during the call only. */
export interface HistogramReading {
  /** Everything since the aggregator started (exact count, sum, min, max). */
  readonly total: HistogramPart;
  /** The sliding window. */
  readonly window: HistogramPart;
  /** distribution with bounds: the exact count (since the start) at or below each bound, written into `out`; else `out` emptied. */
  cumulativeCounts(out: number[]): number[];
  /**
   * distribution with `exemplars: true`: the latest exemplar of Prometheus bucket `bucket` (0 to
   * `metric.buckets.length`, the last above every bound; 0 for a distribution without bounds), or
   * undefined when none was recorded (or for a summary, or without the option).
   */
  exemplar(bucket: number): Exemplar | undefined;
}

/**
 * What `aggregator.collect(visitor)` calls, metric by metric in definition order, each metric's
 * series in the order they were created. Every method is optional.
 */
export interface MetricsVisitor {
  /** Before a metric's series; return false to skip them. */
  metric?(metric: CollectedMetric): boolean | void;
  /** A counter, sum or lastValue series and its value; a counter with `exemplars: true` its latest exemplar, if any. */
  value?(metric: CollectedMetric, series: CollectedSeries, value: number, exemplar: Exemplar | undefined): void;
  /** A summary or distribution series. */
  histogram?(metric: CollectedMetric, series: CollectedSeries, reading: HistogramReading): void;
}

class Part implements HistogramPart {
  // Read from the store on first use: a reader that needs only the window's percentiles, or
  // only the totals, pays for nothing else.
  readonly #stats: Stats = { count: 0, sum: 0, min: 0, max: 0 };
  #fresh = false;
  #store: HistogramStore | undefined = undefined;
  #id = 0;
  #factor = 1;

  /** undefined: since the start; else the window ending at this epoch. */
  constructor(readonly epoch: number | undefined) {}

  load(store: HistogramStore | undefined, id: number, factor: number): void {
    this.#store = store;
    this.#id = id;
    this.#factor = factor;
    this.#fresh = false;
  }

  get count(): number {
    return this.#read().count;
  }

  get sum(): number {
    return this.#read().sum;
  }

  get min(): number {
    return this.#read().min;
  }

  get max(): number {
    return this.#read().max;
  }

  percentiles(percentiles: readonly number[], out: number[]): number[] {
    const { count, min, max } = this.#read();
    const s = this.#store as HistogramStore;
    return percentilesOf(s.layout, s.counts(this.#id, this.epoch), count, min, max, this.#factor, percentiles, out);
  }

  stats(): HistogramStats {
    const { count, sum, min, max } = this.#read();
    const s = this.#store as HistogramStore;
    return histogramStats(s.layout, s.counts(this.#id, this.epoch), count, sum, min, max, this.#factor);
  }

  #read(): Stats {
    if (this.#fresh) return this.#stats;
    const s = this.#store;
    if (s === undefined) throw new Error('collect(): a histogram reading is valid only during the visitor call');
    s.statsInto(this.#id, this.epoch, this.#stats);
    this.#fresh = true;
    return this.#stats;
  }
}

/** The reading handed to `histogram()`: one per collect() call, reloaded per series. */
export class Reading implements HistogramReading {
  readonly total = new Part(undefined);
  readonly window: Part;
  #store: HistogramStore | undefined = undefined;
  #exemplars: ExemplarStore | undefined = undefined;
  #id = 0;

  constructor(
    epoch: number,
    readonly exemplarReading: ExemplarReading,
  ) {
    this.window = new Part(epoch);
  }

  load(store: HistogramStore, id: number, factor: number, exemplars: ExemplarStore | undefined): this {
    this.#store = store;
    this.#exemplars = exemplars;
    this.#id = id;
    this.total.load(store, id, factor);
    this.window.load(store, id, factor);
    return this;
  }

  /** After the visitor call: reads through a kept reference fail loudly instead of reading another series. */
  release(): void {
    this.#store = undefined;
    this.#exemplars = undefined;
    this.total.load(undefined, 0, 1);
    this.window.load(undefined, 0, 1);
  }

  exemplar(bucket: number): Exemplar | undefined {
    const ex = this.#exemplars;
    if (ex === undefined || !(bucket >= 0 && bucket < ex.perSeries)) return undefined;
    return ex.read(this.#id, bucket, this.exemplarReading);
  }

  cumulativeCounts(out: number[]): number[] {
    const store = this.#store;
    if (store === undefined || store.bucketCount === 0) {
      out.length = 0;
      return out;
    }
    const counts = store.bucketCounts(this.#id);
    const n = counts.length - 1;
    out.length = n;
    let cum = 0;
    for (let j = 0; j < n; j++) out[j] = cum += counts[j];
    return out;
  }
}
