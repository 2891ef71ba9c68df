import { tagString, type EventName, type MetricDefinition, type MetricReader, type Measurements, type Metadata, type Telemetry } from '@rx-telemetry/core';
import { BucketIndex } from './buckets.js';
import type { CollectedMetric } from './collect.js';
import { MAX_INTERNAL, type Layout } from './layout.js';
import { HistogramSeries, ValueSeries } from './series.js';
import type { Ticker } from './ticker.js';
import { internalFactor } from './units.js';

/** Emitted once per metric when it first folds a tag set into its overflow series. */
export const SERIES_OVERFLOW_EVENT = Object.freeze(['telemetry', 'hdr', 'series_overflow']);

export type Series = ValueSeries | HistogramSeries;
type Level = Map<string, Level | Series>;
type Source = Readonly<Record<string, unknown>>;

const OVERFLOW_TAGS = Object.freeze({ overflow: 'true' });
const COUNTER = 0;
const SUM = 1;
const LAST = 2;
const HIST = 3;

// A lone UTF-16 surrogate: no UTF-8 encoding exists for it (on the wire it becomes U+FFFD).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * One metric's series and counters. `handle` is the record path: it finds the series through one
 * Map per tag, reading the tag source with keys fixed in a closure (no key string, no loop).
 * Handed to `collect()` visitors as their `CollectedMetric`.
 */
export class MetricState implements CollectedMetric {
  readonly kind: number;
  readonly tags: readonly string[];
  readonly factor: number;
  readonly buckets: readonly number[] | undefined;
  readonly #index: BucketIndex | undefined;
  readonly #reader: MetricReader;
  readonly #find: (source: Source) => Series | undefined;
  readonly #root: Level = new Map();
  #single: Series | undefined = undefined;
  #overflow: Series | undefined = undefined;
  seriesCount = 0;
  dropped = 0;
  overflowed = 0;
  folded = 0;
  readonly all: Series[] = [];

  readonly definition: MetricDefinition;

  constructor(
    reader: MetricReader,
    buckets: readonly number[] | undefined,
    readonly layout: Layout,
    readonly ticker: Ticker,
    readonly maxSeries: number,
    readonly telemetry: Telemetry | undefined,
  ) {
    const def = reader.definition;
    this.definition = def;
    this.kind = def.type === 'counter' ? COUNTER : def.type === 'sum' ? SUM : def.type === 'lastValue' ? LAST : HIST;
    this.tags = def.tags;
    this.factor = internalFactor(def.unit);
    this.#reader = reader;
    this.buckets = buckets;
    this.#index = buckets === undefined ? undefined : new BucketIndex(buckets, layout, this.factor);
    this.#find = this.#finder();
    this.handle = this.#handler();
  }

  get droppedEvents(): number {
    return this.dropped;
  }

  get overflowSeries(): number {
    return this.overflowed;
  }

  get foldedEvents(): number {
    return this.folded;
  }

  get isHistogram(): boolean {
    return this.kind === HIST;
  }

  /**
   * The record path, a Recorder for attachMetrics (an own function: no wrapper to call through),
   * made per kind so that each stays small enough for V8 to inline what it calls. Never throws:
   * a throwing keep/measurement/tagValues function drops the event.
   */
  readonly handle: (event: EventName, measurements: Measurements, metadata: Metadata) => void;

  #handler(): (event: EventName, measurements: Measurements, metadata: Metadata) => void {
    const reader = this.#reader;
    if (this.kind === HIST) {
      return (_event, measurements, metadata) => {
        try {
          if (!reader.accepts(measurements, metadata)) return;
          const v = reader.value(measurements, metadata);
          if (v === undefined) {
            this.dropped++;
            return;
          }
          const s = this.#find(reader.tagSource(metadata));
          if (s === undefined) {
            this.dropped++;
            return;
          }
          this.#record(s as HistogramSeries, v);
        } catch {
          this.dropped++;
        }
      };
    }
    // A counter counts accepted events: its value is 1 (what reader.value says), without the call.
    const counter = this.kind === COUNTER;
    const last = this.kind === LAST;
    return (_event, measurements, metadata) => {
      try {
        if (!reader.accepts(measurements, metadata)) return;
        const v = counter ? 1 : reader.value(measurements, metadata);
        if (v === undefined) {
          this.dropped++;
          return;
        }
        const s = this.#find(reader.tagSource(metadata)) as ValueSeries | undefined;
        if (s === undefined) {
          this.dropped++;
          return;
        }
        if (last) s.value = v;
        else s.value += v;
      } catch {
        this.dropped++;
      }
    };
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
    const index = this.#index;
    if (index !== undefined) (s.buckets as Float64Array)[index.find(v, i)]++;
  }

  // Lookup specialised by tag count: the tag keys become closure constants, so each read of the
  // tag source is a plain keyed load with a fixed key and no loop.
  #finder(): (source: Source) => Series | undefined {
    const root = this.#root;
    const create = (src: Source): Series | undefined => this.#create(src);
    const tags = this.tags;
    if (tags.length === 0) return (src) => this.#single ?? create(src);
    if (tags.length === 1) {
      const t0 = tags[0];
      return (src) => {
        const a = src[t0];
        return (root.get(typeof a === 'string' ? a : (tagString(a) as string)) as Series | undefined) ?? create(src);
      };
    }
    if (tags.length === 2) {
      const t0 = tags[0];
      const t1 = tags[1];
      return (src) => {
        const a = src[t0];
        const level = root.get(typeof a === 'string' ? a : (tagString(a) as string)) as Level | undefined;
        if (level === undefined) return create(src);
        const b = src[t1];
        return (level.get(typeof b === 'string' ? b : (tagString(b) as string)) as Series | undefined) ?? create(src);
      };
    }
    const last = tags.length - 1;
    return (src) => {
      let level: Level = root;
      for (let i = 0; i < last; i++) {
        const raw = src[tags[i]];
        const next = level.get(typeof raw === 'string' ? raw : (tagString(raw) as string));
        if (next === undefined) return create(src);
        level = next as Level;
      }
      const raw = src[tags[last]];
      return (level.get(typeof raw === 'string' ? raw : (tagString(raw) as string)) as Series | undefined) ?? create(src);
    };
  }

  // The slow path: the first event of a tag set, a tag value with a lone surrogate, or an
  // overflowing metric.
  #create(source: Source, count = true): Series | undefined {
    const n = this.tags.length;
    if (n === 0) return (this.#single ??= this.#newSeries({}));
    const values = new Array<string>(n);
    let folded = false;
    for (let i = 0; i < n; i++) {
      const v = tagString(source[this.tags[i]]);
      if (v === undefined) return undefined;
      // No exporter can write a lone surrogate (UTF-8 has none): such values fold, on purpose
      // and counted, into the series of the value with each replaced by U+FFFD.
      if (LONE_SURROGATE.test(v)) {
        values[i] = v.replace(LONE_SURROGATES, '\uFFFD');
        folded = true;
      } else values[i] = v;
    }
    if (folded && count) this.folded++;
    let level: Level = this.#root;
    for (let i = 0; i < n - 1; i++) {
      let next = level.get(values[i]) as Level | undefined;
      if (next === undefined) {
        if (this.seriesCount >= this.maxSeries) return this.#overflowSeries();
        level.set(values[i], (next = new Map()));
      }
      level = next;
    }
    const found = level.get(values[n - 1]) as Series | undefined;
    if (found !== undefined) return found;
    if (this.seriesCount >= this.maxSeries) return this.#overflowSeries();
    const tags: Record<string, string> = {};
    for (let i = 0; i < n; i++) tags[this.tags[i]] = values[i];
    const s = this.#newSeries(Object.freeze(tags));
    level.set(values[n - 1], s);
    return s;
  }

  #overflowSeries(): Series {
    this.overflowed++;
    if (this.#overflow === undefined) {
      this.#overflow = this.#newSeries(OVERFLOW_TAGS, false);
      this.telemetry?.emit(SERIES_OVERFLOW_EVENT, { series: this.seriesCount }, { metric: this.definition.name, maxSeriesPerMetric: this.maxSeries });
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
    const s = this.#create(tags, false);
    if (s === undefined) throw new TypeError(`restore: series ${JSON.stringify(tags)} of ${JSON.stringify(this.definition.name)} lacks a tag`);
    return s;
  }

  /** Restore path: dropped, overflow and folded counts. */
  restoreCounts(dropped: number, overflowed: number, folded: number): void {
    this.dropped = dropped;
    this.overflowed = overflowed;
    this.folded = folded;
  }
}
