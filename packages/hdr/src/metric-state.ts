import type { MetricDefinition, Measurements, Metadata, Telemetry } from '@rx-telemetry/core';
import { MAX_INTERNAL, type Layout } from './layout.js';
import { HistogramSeries, ValueSeries } from './series.js';
import type { Ticker } from './ticker.js';
import { bucketsOf, internalFactor } from './units.js';

/** Emitted once per metric when it first folds a tag set into its overflow series. */
export const SERIES_OVERFLOW_EVENT = Object.freeze(['telemetry', 'hdr', 'series_overflow']);

export type Series = ValueSeries | HistogramSeries;
type Level = Map<string, Level | Series>;

const OVERFLOW_TAGS = Object.freeze({ overflow: 'true' });
const COUNTER = 0;
const SUM = 1;
const LAST = 2;
const HIST = 3;

function key(raw: unknown): string | undefined {
  return typeof raw === 'string' ? raw : raw === undefined || raw === null ? undefined : String(raw);
}

/**
 * One metric's series and counters. `handle` is the record path: it reads the measurement and
 * metadata directly (no DataPoint, no joined key) and finds the series through one Map per tag.
 */
export class MetricState {
  readonly kind: number;
  readonly tags: readonly string[];
  readonly factor: number;
  readonly buckets: readonly number[] | undefined;
  /** Per counts index: the first bucket whose bound is at or above the index's values. */
  readonly bucketOf: Uint8Array | Uint16Array | undefined;
  /** Counts index of each bucket bound (-1: below every value). */
  readonly boundIndex: Int32Array | undefined;
  readonly #key: string | undefined;
  readonly #scale: number;
  // As the core's valueOf: a down-conversion divides by the exact integer (1000123 ns -> 1.000123 ms).
  readonly #divisor: number;
  readonly #filtered: boolean;
  readonly #tagFn: boolean;
  readonly #find: (metadata: Metadata) => Series | undefined;
  readonly #root: Level = new Map();
  #single: Series | undefined = undefined;
  #overflow: Series | undefined = undefined;
  seriesCount = 0;
  dropped = 0;
  overflowed = 0;
  readonly all: Series[] = [];

  constructor(
    readonly def: MetricDefinition,
    readonly layout: Layout,
    readonly ticker: Ticker,
    readonly maxSeries: number,
    readonly telemetry: Telemetry,
  ) {
    this.kind = def.type === 'counter' ? COUNTER : def.type === 'sum' ? SUM : def.type === 'lastValue' ? LAST : HIST;
    this.tags = def.tags;
    this.factor = internalFactor(def.unit);
    this.#key = def.measurement;
    this.#scale = def.scale;
    this.#divisor = def.divisor;
    // Without keep/drop or tagValues the record path skips those calls altogether.
    this.#filtered = def.filtered;
    this.#tagFn = def.hasTagValues;
    this.buckets = bucketsOf(def);
    this.#find = this.#finder();
    if (this.buckets !== undefined) {
      const size = layout.chunks * layout.half;
      const bucketOf = this.buckets.length < 255 ? new Uint8Array(size) : new Uint16Array(size);
      const boundIndex = new Int32Array(this.buckets.length);
      for (let j = 0; j < this.buckets.length; j++) {
        const b = this.buckets[j];
        boundIndex[j] = b < 0 ? -1 : layout.index(Math.min(Math.round(b * this.factor), MAX_INTERNAL));
      }
      // Values in an index below bound j's are <= bound j; in bound j's own index, only some are.
      let j = 0;
      for (let i = 0; i < size; i++) {
        while (j < boundIndex.length && boundIndex[j] < i) j++;
        bucketOf[i] = j;
      }
      this.bucketOf = bucketOf;
      this.boundIndex = boundIndex;
    }
  }

  get isHistogram(): boolean {
    return this.kind === HIST;
  }

  /** The record path; never throws (a throwing keep/measurement/tagValues fn drops the event). */
  handle(measurements: Measurements, metadata: Metadata): void {
    try {
      if (this.#filtered && !this.def.accepts(measurements, metadata)) return;
      let v: number;
      if (this.kind === COUNTER) v = 1;
      else {
        const k = this.#key;
        const raw: unknown = k !== undefined ? measurements[k] : this.def.valueOf(measurements, metadata);
        // v - v is 0 only for finite numbers.
        if (typeof raw !== 'number' || raw - raw !== 0) {
          this.dropped++;
          return;
        }
        v = k === undefined || this.#scale === 1 ? raw : this.#divisor !== 0 ? raw / this.#divisor : raw * this.#scale;
      }
      const s = this.#find(metadata);
      if (s === undefined) {
        this.dropped++;
        return;
      }
      switch (this.kind) {
        case COUNTER:
        case SUM:
          (s as ValueSeries).value += v;
          return;
        case LAST:
          (s as ValueSeries).value = v;
          return;
        default:
          this.#record(s as HistogramSeries, v);
      }
    } catch {
      this.dropped++;
    }
  }

  #record(s: HistogramSeries, v: number): void {
    if (!(v >= 0)) {
      // HDR histograms hold no negative values.
      this.dropped++;
      return;
    }
    const x = Math.round(v * this.factor);
    const i = this.layout.index(x > MAX_INTERNAL ? MAX_INTERNAL : x);
    const ticker = this.ticker;
    s.record(v, i, ticker.slot, ticker.epoch);
    const bucketOf = this.bucketOf;
    if (bucketOf !== undefined) {
      let j = bucketOf[i];
      const boundIndex = this.boundIndex as Int32Array;
      // The index a bound falls in holds values on both sides of it: compare exactly.
      if (j < boundIndex.length && boundIndex[j] === i) {
        const buckets = this.buckets as readonly number[];
        while (j < buckets.length && boundIndex[j] === i && v > buckets[j]) j++;
      }
      (s.buckets as Float64Array)[j]++;
    }
  }

  // Lookup specialised by tag count: the tag keys become closure constants, so each read of the
  // metadata is a plain keyed load with a fixed key and no loop.
  #finder(): (metadata: Metadata) => Series | undefined {
    const root = this.#root;
    const create = (md: Metadata): Series | undefined => this.#create(md);
    const tags = this.tags;
    if (this.#tagFn) return create;
    if (tags.length === 0) return (md) => this.#single ?? create(md);
    if (tags.length === 1) {
      const t0 = tags[0];
      return (md) => {
        const a = md[t0];
        return (root.get(typeof a === 'string' ? a : (key(a) as string)) as Series | undefined) ?? create(md);
      };
    }
    if (tags.length === 2) {
      const t0 = tags[0];
      const t1 = tags[1];
      return (md) => {
        const a = md[t0];
        const level = root.get(typeof a === 'string' ? a : (key(a) as string)) as Level | undefined;
        if (level === undefined) return create(md);
        const b = md[t1];
        return (level.get(typeof b === 'string' ? b : (key(b) as string)) as Series | undefined) ?? create(md);
      };
    }
    const last = tags.length - 1;
    return (md) => {
      let level: Level = root;
      for (let i = 0; i < last; i++) {
        const raw = md[tags[i]];
        const next = level.get(typeof raw === 'string' ? raw : (key(raw) as string));
        if (next === undefined) return create(md);
        level = next as Level;
      }
      const raw = md[tags[last]];
      return (level.get(typeof raw === 'string' ? raw : (key(raw) as string)) as Series | undefined) ?? create(md);
    };
  }

  // The slow path: first event of a tag set, a tagValues function, or an overflowing metric.
  #create(metadata: Metadata): Series | undefined {
    const values = this.def.tagValuesOf(metadata);
    if (values === undefined) return undefined;
    if (values.length === 0) return (this.#single ??= this.#newSeries({}));
    let level: Level = this.#root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = level.get(values[i]) as Level | undefined;
      if (next === undefined) {
        if (this.seriesCount >= this.maxSeries) return this.#overflowSeries();
        level.set(values[i], (next = new Map()));
      }
      level = next;
    }
    const found = level.get(values[values.length - 1]) as Series | undefined;
    if (found !== undefined) return found;
    if (this.seriesCount >= this.maxSeries) return this.#overflowSeries();
    const tags: Record<string, string> = {};
    for (let i = 0; i < values.length; i++) tags[this.tags[i]] = values[i];
    const s = this.#newSeries(Object.freeze(tags));
    level.set(values[values.length - 1], s);
    return s;
  }

  #overflowSeries(): Series {
    this.overflowed++;
    if (this.#overflow === undefined) {
      this.#overflow = this.#newSeries(OVERFLOW_TAGS, false);
      this.telemetry.emit(SERIES_OVERFLOW_EVENT, { series: this.seriesCount }, { metric: this.def.name, maxSeriesPerMetric: this.maxSeries });
    }
    return this.#overflow;
  }

  #newSeries(tags: Readonly<Record<string, string>>, counted = true): Series {
    const s = this.kind === HIST ? new HistogramSeries(tags, this.layout, this.ticker.slots, this.buckets?.length ?? 0) : new ValueSeries(tags);
    if (counted) this.seriesCount++;
    this.all.push(s);
    return s;
  }

  /** Restore path: the series for `tags` (from an encoding), created when new. */
  restore(tags: Readonly<Record<string, string>>): Series {
    if (tags.overflow === 'true' && !this.tags.every((t) => t in tags)) {
      return (this.#overflow ??= this.#newSeries(OVERFLOW_TAGS, false));
    }
    const s = this.#create(tags);
    if (s === undefined) throw new TypeError(`restore: series ${JSON.stringify(tags)} of ${JSON.stringify(this.def.name)} lacks a tag`);
    return s;
  }

  /** Restore path: dropped and overflow counts. */
  restoreCounts(dropped: number, overflowed: number): void {
    this.dropped = dropped;
    this.overflowed = overflowed;
  }

  /** Cumulative bucket counts (all time) of a distribution series, exact per bound. */
  bucketCounts(s: HistogramSeries, out: number[]): number[] {
    const counts = s.buckets as Float64Array;
    const n = counts.length - 1;
    out.length = n;
    let cum = 0;
    for (let j = 0; j < n; j++) out[j] = cum += counts[j];
    return out;
  }
}
