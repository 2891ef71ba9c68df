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
  /** Per counts index: 1 + the first bucket bound whose internal value falls in it, else 0. */
  readonly straddle: Uint8Array | Uint16Array | undefined;
  /** Counts index of each bucket bound (-1: below every value). */
  readonly boundIndex: Int32Array | undefined;
  readonly #key: string | undefined;
  readonly #scale: number;
  readonly #filtered: boolean;
  readonly #tagFn: boolean;
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
    hasTagFn: boolean,
    hasFilter: boolean,
  ) {
    this.kind = def.type === 'counter' ? COUNTER : def.type === 'sum' ? SUM : def.type === 'lastValue' ? LAST : HIST;
    this.tags = def.tags;
    this.factor = internalFactor(def.unit);
    this.#key = def.measurement;
    this.#scale = def.scale;
    this.#filtered = hasFilter;
    this.#tagFn = hasTagFn;
    this.buckets = bucketsOf(def);
    if (this.buckets !== undefined) {
      const size = layout.chunks * layout.half;
      const straddle = this.buckets.length < 255 ? new Uint8Array(size) : new Uint16Array(size);
      const boundIndex = new Int32Array(this.buckets.length);
      for (let j = this.buckets.length - 1; j >= 0; j--) {
        const b = this.buckets[j];
        if (b < 0) {
          boundIndex[j] = -1;
          continue;
        }
        const i = layout.index(Math.min(Math.round(b * this.factor), MAX_INTERNAL));
        boundIndex[j] = i;
        straddle[i] = j + 1;
      }
      this.straddle = straddle;
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
        v = k !== undefined && this.#scale !== 1 ? raw * this.#scale : raw;
      }
      const s = this.#tagFn ? this.#create(metadata) : this.#lookup(metadata);
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
    const straddle = this.straddle;
    if (straddle !== undefined && straddle[i] !== 0) this.#below(s, straddle[i] - 1, i, v);
  }

  #below(s: HistogramSeries, first: number, i: number, v: number): void {
    const buckets = this.buckets as readonly number[];
    const boundIndex = this.boundIndex as Int32Array;
    const below = s.below as Float64Array;
    for (let j = first; j < buckets.length && boundIndex[j] === i; j++) if (v <= buckets[j]) below[j]++;
  }

  #lookup(metadata: Metadata): Series | undefined {
    const tags = this.tags;
    const last = tags.length - 1;
    if (last < 0) return this.#single ?? this.#create(metadata);
    let level: Level = this.#root;
    for (let i = 0; i < last; i++) {
      const raw = metadata[tags[i]];
      const next = level.get(typeof raw === 'string' ? raw : (key(raw) as string));
      if (next === undefined) return this.#create(metadata);
      level = next as Level;
    }
    const raw = metadata[tags[last]];
    return (level.get(typeof raw === 'string' ? raw : (key(raw) as string)) as Series | undefined) ?? this.#create(metadata);
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

  /** Cumulative bucket counts (all time) of a distribution series, exact per bound. */
  bucketCounts(s: HistogramSeries, out: number[]): number[] {
    const buckets = this.buckets as readonly number[];
    const boundIndex = this.boundIndex as Int32Array;
    const below = s.below as Float64Array;
    const half = this.layout.half;
    out.length = buckets.length;
    let j = 0;
    while (j < buckets.length && boundIndex[j] < 0) out[j++] = 0;
    let cum = 0;
    const total = s.total;
    for (let c = 0; c < total.length && j < buckets.length; c++) {
      const arr = total[c];
      const base = c * half;
      if (arr === undefined) {
        // Every bound whose index lies in an empty chunk sees exactly the counts so far.
        while (j < buckets.length && boundIndex[j] < base + half) out[j++] = cum;
        continue;
      }
      for (let o = 0; o < half && j < buckets.length; o++) {
        const i = base + o;
        while (j < buckets.length && boundIndex[j] === i) out[j] = cum + below[j++];
        cum += arr[o];
      }
    }
    while (j < buckets.length) out[j++] = cum;
    return out;
  }
}
