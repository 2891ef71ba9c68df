import { tagString, type EventName, type MetricDefinition, type MetricReader, type Measurements, type Metadata, type Telemetry } from '@rx-telemetry/core';
import { BucketIndex } from './buckets.js';
import type { CollectedMetric } from './collect.js';
import { HistogramStore } from './histogram-store.js';
import { MAX_INTERNAL, type Layout } from './layout.js';
import { Series, ValueStore } from './series.js';
import type { Ticker } from './ticker.js';
import { internalFactor } from './units.js';

/** Emitted once per metric when it first folds a tag set into its overflow series. */
export const SERIES_OVERFLOW_EVENT = Object.freeze(['telemetry', 'hdr', 'series_overflow']);

// The last level of the tag maps holds series ids: the record path reads no series object.
type Level = Map<string, Level | number>;
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
 * One metric's series and counters. `handle` is the record path: it finds the series id through
 * one Map per tag, reading the tag source with keys fixed in a closure (no key string, no loop),
 * and records into the metric's store (arrays shared by its series). Handed to `collect()`
 * visitors as their `CollectedMetric`.
 */
export class MetricState implements CollectedMetric {
  readonly kind: number;
  readonly tags: readonly string[];
  readonly factor: number;
  readonly buckets: readonly number[] | undefined;
  readonly #index: BucketIndex | undefined;
  readonly #reader: MetricReader;
  readonly #find: (source: Source) => number | undefined;
  readonly #root: Level = new Map();
  #single: number | undefined = undefined;
  #overflow: Series | undefined = undefined;
  /** Histogram kinds: the counts of every series. */
  readonly hist: HistogramStore | undefined;
  /** counter, sum, lastValue: the value of every series. */
  readonly values: ValueStore | undefined;
  #nextId = 0;
  seriesCount = 0;
  dropped = 0;
  overflowed = 0;
  folded = 0;
  /** Every series, in the order they were created. */
  readonly all: Series[] = [];
  /** Series by id. */
  readonly #byId: (Series | undefined)[] = [];

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
    this.hist = this.kind === HIST ? new HistogramStore(layout, ticker.slots, buckets === undefined ? 0 : buckets.length + 1) : undefined;
    this.values = this.kind === HIST ? undefined : new ValueStore();
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

  // What the record path reads is captured in closure constants, not read from `this`: V8 then
  // knows each object (one closure per metric) and checks nothing about it per record.
  #handler(): (event: EventName, measurements: Measurements, metadata: Metadata) => void {
    const reader = this.#reader;
    const find = this.#find;
    const ticker = this.ticker;
    if (this.kind === HIST) {
      const store = this.hist as HistogramStore;
      const layout = this.layout;
      const index = this.#index;
      const factor = this.factor;
      return (_event, measurements, metadata) => {
        try {
          if (!reader.accepts(measurements, metadata)) return;
          const v = reader.value(measurements, metadata);
          // HDR histograms hold no negative values.
          if (v === undefined || !(v >= 0)) {
            this.dropped++;
            return;
          }
          const id = find(reader.tagSource(metadata));
          if (id === undefined) {
            this.dropped++;
            return;
          }
          const x = Math.round(v * factor);
          const i = layout.index(x > MAX_INTERNAL ? MAX_INTERNAL : x);
          store.record(id, v, i, index === undefined ? -1 : index.find(v, i), ticker.slot, ticker.epoch);
        } catch {
          this.dropped++;
        }
      };
    }
    // A counter counts accepted events: its value is 1 (what reader.value says), without the call.
    const counter = this.kind === COUNTER;
    const last = this.kind === LAST;
    const store = this.values as ValueStore;
    return (_event, measurements, metadata) => {
      try {
        if (!reader.accepts(measurements, metadata)) return;
        const v = counter ? 1 : reader.value(measurements, metadata);
        if (v === undefined) {
          this.dropped++;
          return;
        }
        const id = find(reader.tagSource(metadata));
        if (id === undefined) {
          this.dropped++;
          return;
        }
        const values = store.values;
        const k = 2 * id;
        if (last) values[k] = v;
        else values[k] += v;
        values[k + 1] = ticker.epoch;
      } catch {
        this.dropped++;
      }
    };
  }

  // Lookup specialised by tag count: the tag keys become closure constants, so each read of the
  // tag source is a plain keyed load with a fixed key and no loop.
  #finder(): (source: Source) => number | undefined {
    const root = this.#root;
    const create = (src: Source): number | undefined => this.#create(src)?.id;
    const tags = this.tags;
    if (tags.length === 0) return (src) => this.#single ?? create(src);
    if (tags.length === 1) {
      const t0 = tags[0];
      return (src) => {
        const a = src[t0];
        return (root.get(typeof a === 'string' ? a : (tagString(a) as string)) as number | undefined) ?? create(src);
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
        return (level.get(typeof b === 'string' ? b : (tagString(b) as string)) as number | undefined) ?? create(src);
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
      return (level.get(typeof raw === 'string' ? raw : (tagString(raw) as string)) as number | undefined) ?? create(src);
    };
  }

  // The slow path: the first event of a tag set, a tag value with a lone surrogate, or an
  // overflowing metric.
  #create(source: Source, count = true): Series | undefined {
    const n = this.tags.length;
    if (n === 0) {
      if (this.#single !== undefined) return this.#byId[this.#single];
      const s = this.#newSeries({});
      this.#single = s.id;
      return s;
    }
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
    const found = level.get(values[n - 1]) as number | undefined;
    if (found !== undefined) return this.#byId[found];
    if (this.seriesCount >= this.maxSeries) return this.#overflowSeries();
    const tags: Record<string, string> = {};
    for (let i = 0; i < n; i++) tags[this.tags[i]] = values[i];
    const s = this.#newSeries(Object.freeze(tags));
    level.set(values[n - 1], s.id);
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
    const id = this.#nextId++;
    if (this.hist !== undefined) this.hist.init(id);
    else (this.values as ValueStore).init(id);
    const s = new Series(tags, id);
    if (counted) this.seriesCount++;
    this.all.push(s);
    this.#byId[id] = s;
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
