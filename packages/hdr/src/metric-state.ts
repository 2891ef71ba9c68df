import { tagString, type MetricDefinition, type MetricReader, type Telemetry } from '@rx-telemetry/core';
import { BucketIndex } from './buckets.js';
import type { CollectedMetric } from './collect.js';
import { HistogramStore } from './histogram-store.js';
import type { Layout } from './layout.js';
import { ExemplarStore, type CoarseClock } from './exemplars.js';
import { recordPath, type PathParts, type Recorder } from './record-path.js';
import { Series, ValueStore } from './series.js';
import { TagIndex, type Lookup, type TagSource } from './tag-index.js';
import type { Ticker } from './ticker.js';
import { internalFactor } from './units.js';

/** Emitted once per metric when it first folds a tag set into its overflow series. */
export const SERIES_OVERFLOW_EVENT = Object.freeze(['telemetry', 'hdr', 'series_overflow']);

const OVERFLOW_TAGS = Object.freeze({ overflow: 'true' });
const COUNTER = 0;
const SUM = 1;
const LAST = 2;
const HIST = 3;

// A lone UTF-16 surrogate: no UTF-8 encoding exists for it (on the wire it becomes U+FFFD).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * One metric's series and counters. `handle` is the record path, made for this metric
 * (record-path.ts): it finds the series id through one Map per tag (TagIndex, fewest distinct
 * values first) and records into the metric's store (arrays shared by its series). Handed to `collect()`
 * visitors as their `CollectedMetric`.
 */
export class MetricState implements CollectedMetric {
  readonly kind: number;
  readonly tags: readonly string[];
  readonly factor: number;
  readonly buckets: readonly number[] | undefined;
  readonly #index: BucketIndex | undefined;
  readonly #reader: MetricReader;
  readonly #lookup: Lookup;
  readonly #tagIndex: TagIndex;
  #single: Series | undefined = undefined;
  #overflow: Series | undefined = undefined;
  /** Histogram kinds: the counts of every series. */
  readonly hist: HistogramStore | undefined;
  /** counter, sum, lastValue: the value of every series. */
  readonly values: ValueStore | undefined;
  /** counter and distribution with `exemplars: true`: the latest exemplar per series (and bucket). */
  readonly exemplars: ExemplarStore | undefined;
  #nextId = 0;
  // Restore path: the creation time of the series being restored.
  #created: number | undefined = undefined;
  readonly #freeIds: number[] = [];
  seriesCount = 0;
  dropped = 0;
  overflowed = 0;
  folded = 0;
  removed = 0;
  /** Every series, in the order they were created. */
  all: Series[] = [];
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
    /** With `exemplars: true`: the clock of exemplar timestamps (counters and distributions keep exemplars). */
    exemplarClock: CoarseClock | undefined,
    /** With `idleSeriesMs`: series are swept when idle. */
    idle: boolean,
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
    const keepsExemplars = exemplarClock !== undefined && (def.type === 'counter' || def.type === 'distribution');
    this.exemplars = keepsExemplars ? new ExemplarStore(this.kind === HIST ? Math.max(1, this.hist?.bucketCount ?? 0) : 1) : undefined;
    const miss = (src: TagSource): number | undefined => this.#create(src)?.id;
    this.#tagIndex = new TagIndex(def.tags, miss);
    this.#lookup = this.tags.length === 0 ? { find: (src) => this.#single?.id ?? miss(src) } : this.#tagIndex;
    this.handle = this.#handler(exemplarClock, idle);
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

  get removedSeries(): number {
    return this.removed;
  }

  get liveSeries(): number {
    return this.all.length;
  }

  get isHistogram(): boolean {
    return this.kind === HIST;
  }

  /**
   * The record path, a Recorder for attachMetrics (an own function: no wrapper to call through);
   * see record-path.ts.
   */
  readonly handle: Recorder;

  #handler(exemplars: CoarseClock | undefined, idle: boolean): Recorder {
    const withExemplars = exemplars !== undefined && this.exemplars !== undefined ? { store: this.exemplars, clock: exemplars } : undefined;
    const parts: PathParts = { reader: this.#reader, lookup: this.#lookup, ticker: this.ticker, drops: this, stamp: idle, exemplars: withExemplars };
    if (this.kind === HIST) return recordPath(parts, { kind: 'histogram', store: this.hist as HistogramStore, layout: this.layout, index: this.#index, factor: this.factor });
    return recordPath(parts, { kind: this.kind === COUNTER ? 'counter' : this.kind === SUM ? 'sum' : 'lastValue', store: this.values as ValueStore });
  }

  // The slow path: the first event of a tag set, a tag value with a lone surrogate, or an
  // overflowing metric.
  #create(source: TagSource, count = true): Series | undefined {
    const n = this.tags.length;
    if (n === 0) return (this.#single ??= this.#newSeries({}, []));
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
    const found = this.#tagIndex.get(values);
    if (found !== undefined) return this.#byId[found];
    if (this.seriesCount >= this.maxSeries) return this.#overflowSeries();
    const tags: Record<string, string> = {};
    for (let i = 0; i < n; i++) tags[this.tags[i]] = values[i];
    const s = this.#newSeries(Object.freeze(tags), values);
    this.#tagIndex.set(values, s.id);
    return s;
  }

  #overflowSeries(): Series {
    this.overflowed++;
    if (this.#overflow === undefined) {
      this.#overflow = this.#newSeries(OVERFLOW_TAGS, undefined);
      this.telemetry?.emit(SERIES_OVERFLOW_EVENT, { series: this.seriesCount }, { metric: this.definition.name, maxSeriesPerMetric: this.maxSeries });
    }
    return this.#overflow;
  }

  // values: the tag values in tag order (undefined: the overflow series, which is not counted).
  #newSeries(tags: Readonly<Record<string, string>>, values: readonly string[] | undefined): Series {
    const id = this.#freeIds.pop() ?? this.#nextId++;
    const epoch = this.ticker.epoch;
    if (this.hist !== undefined) this.hist.init(id);
    else (this.values as ValueStore).init(id, epoch);
    this.exemplars?.init(id);
    const s = new Series(tags, id, values, this.#created ?? Date.now(), epoch);
    if (values !== undefined) this.seriesCount++;
    this.all.push(s);
    this.#byId[id] = s;
    return s;
  }

  /**
   * Removes every series (the overflow series aside) not updated since epoch `before` (exclusive):
   * out of the tag maps and of `collect()`; its id and counts blocks are reused. Returns how many.
   */
  sweep(before: number): number {
    let removed = 0;
    const kept: Series[] = [];
    for (const s of this.all) {
      if (s.values === undefined || this.#lastEpoch(s) >= before) {
        kept.push(s);
        continue;
      }
      if (s === this.#single) this.#single = undefined;
      else this.#tagIndex.delete(s.values);
      if (this.hist !== undefined) this.hist.free(s.id);
      this.exemplars?.init(s.id);
      this.#byId[s.id] = undefined;
      this.#freeIds.push(s.id);
      this.seriesCount--;
      removed++;
    }
    if (removed !== 0) {
      this.all = kept;
      this.removed += removed;
    }
    return removed;
  }

  #lastEpoch(s: Series): number {
    const recorded = this.hist !== undefined ? this.hist.lastEpoch(s.id) : (this.values as ValueStore).lastEpoch(s.id);
    return Math.max(recorded, s.born);
  }

  /** Restore path: the series for `tags` (from an encoding), created when new (at `created`, when known). */
  restore(tags: Readonly<Record<string, string>>, created: number | undefined): Series {
    this.#created = created;
    if (tags.overflow === 'true' && !this.tags.every((t) => t in tags)) {
      return (this.#overflow ??= this.#newSeries(OVERFLOW_TAGS, undefined));
    }
    const s = this.#create(tags, false);
    this.#created = undefined;
    if (s === undefined) throw new TypeError(`restore: series ${JSON.stringify(tags)} of ${JSON.stringify(this.definition.name)} lacks a tag`);
    return s;
  }

  /** Restore path: dropped, overflow, folded and removed counts. */
  restoreCounts(dropped: number, overflowed: number, folded: number, removed: number): void {
    this.dropped = dropped;
    this.overflowed = overflowed;
    this.folded = folded;
    this.removed = removed;
  }
}
