import type { MetricType, Unit } from '@rx-telemetry/core';
import type { Histogram, JsHistogram } from 'hdr-histogram-js';
import { hdr, newHdr } from './hdr-backend.js';
import { layoutFor, type Layout } from './layout.js';
import type { Chunks } from './percentiles.js';
import type { HistogramStats, MetricSnapshot, MetricsSnapshot, SeriesSnapshot } from './snapshot.js';
import { histogramStats } from './stats.js';

export const FORMAT = 'rx-telemetry-hdr/1';

/** One histogram on the wire: exact count/sum/min/max plus HdrHistogram's compressed V2 encoding. */
export interface EncodedHistogram {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly hdr?: string;
}

export interface EncodedSeries {
  readonly tags: Readonly<Record<string, string>>;
  /** When the series was created (ms since the Unix epoch); absent in encodings from before it was kept. */
  readonly created?: number;
  readonly value?: number;
  readonly total?: EncodedHistogram;
  readonly window?: EncodedHistogram;
  /** distribution: all-time count per Prometheus bucket (not cumulative; the last is above every bound). */
  readonly buckets?: readonly number[];
}

export interface EncodedMetric {
  readonly name: string;
  readonly type: MetricType;
  readonly unit: Unit | null;
  readonly description: string | null;
  /** Internal units per metric unit (see internalFactor). */
  readonly factor: number;
  readonly tags: readonly string[];
  /** distribution: the bucket bounds `buckets` counts refer to. */
  readonly bounds: readonly number[] | null;
  readonly reporterOptions: Readonly<Record<string, unknown>>;
  readonly droppedEvents: number;
  readonly overflowSeries: number;
  /** Absent in encodings from before it was counted. */
  readonly foldedEvents?: number;
  /** Series removed as idle; absent in encodings from before it was counted. */
  readonly removedSeries?: number;
  readonly series: readonly EncodedSeries[];
}

export interface Encoded {
  readonly format: typeof FORMAT;
  readonly timestamp: number;
  readonly windowMs: number;
  readonly slices: number;
  readonly significantDigits: number;
  readonly metrics: readonly EncodedMetric[];
}

/** Encodes chunked counts through an hdr-histogram-js histogram (WebAssembly when loaded, destroyed here). */
export function encodeHistogram(layout: Layout, chunks: Chunks, count: number, sum: number, min: number, max: number): EncodedHistogram {
  if (count === 0) return { count: 0, sum: 0, min: 0, max: 0 };
  const h = newHdr(layout.digits);
  try {
    for (let c = 0; c < chunks.length; c++) {
      const arr = chunks[c];
      if (arr === undefined) continue;
      for (let o = 0; o < layout.half; o++) if (arr[o] !== 0) h.recordValueWithCount(layout.lowest(c * layout.half + o), arr[o]);
    }
    return { count, sum, min, max, hdr: hdr.encodeIntoCompressedBase64(h) };
  } finally {
    h.destroy();
  }
}

export class HistogramAcc {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  h: Histogram | undefined = undefined;

  add(e: EncodedHistogram | undefined, where: string): void {
    if (e === undefined || e.count === 0) return;
    if (typeof e.count !== 'number' || typeof e.sum !== 'number' || typeof e.hdr !== 'string') throw new TypeError(`merge: malformed histogram in ${where}`);
    this.count += e.count;
    this.sum += e.sum;
    this.min = Math.min(this.min, e.min);
    this.max = Math.max(this.max, e.max);
    const decoded = hdr.decodeFromCompressedBase64(e.hdr, 64, false);
    if (this.h === undefined) this.h = decoded;
    else this.h.add(decoded);
  }

  stats(layout: Layout, factor: number): HistogramStats {
    return histogramStats(layout, this.chunks(layout), this.count, this.sum, this.min, this.max, factor);
  }

  /** The merged counts in our chunked layout. */
  chunks(layout: Layout): (Float64Array | undefined)[] {
    const chunks: (Float64Array | undefined)[] = new Array(layout.chunks).fill(undefined);
    const h = this.h as JsHistogram | undefined;
    if (h !== undefined) {
      // One walk of the merged HdrHistogram's counts into our chunked layout.
      for (let i = 0; i < h.countsArrayLength; i++) {
        const n = h.getCountAtIndex(i);
        if (n === 0) continue;
        const j = layout.index(h.valueFromIndex(i));
        const c = j >>> layout.halfMag;
        (chunks[c] ??= new Float64Array(layout.half))[j & layout.mask] += n;
      }
    }
    return chunks;
  }
}

export interface SeriesAcc {
  readonly tags: Readonly<Record<string, string>>;
  /** The earliest `created` of the merged series (undefined: none said). */
  created: number | undefined;
  value: number;
  at: number;
  readonly total: HistogramAcc;
  readonly window: HistogramAcc;
  buckets: number[] | undefined;
}

export interface MetricAcc {
  readonly first: EncodedMetric;
  dropped: number;
  overflow: number;
  folded: number;
  removed: number;
  readonly series: Map<string, SeriesAcc>;
}

/** Encodings combined, before they become a snapshot or an aggregator again. */
export interface Merged {
  readonly timestamp: number;
  readonly windowMs: number;
  readonly slices: number;
  readonly layout: Layout;
  readonly metrics: Map<string, MetricAcc>;
}

function parse(text: unknown, n: number): Encoded {
  if (typeof text !== 'string') throw new TypeError(`merge: argument ${n} must be a string from Aggregator.encode()`);
  let e: Encoded;
  try {
    e = JSON.parse(text) as Encoded;
  } catch {
    throw new TypeError(`merge: argument ${n} is not JSON from Aggregator.encode()`);
  }
  if (e === null || typeof e !== 'object' || e.format !== FORMAT || !Array.isArray(e.metrics)) {
    throw new TypeError(`merge: argument ${n} is not in the ${FORMAT} format`);
  }
  return e;
}

function seriesKey(tags: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(tags).sort().map((k) => [k, tags[k]]));
}

/** Parses and combines encodings: counts and sums add, histograms merge, lastValue takes the newest. */
export function mergeRaw(texts: readonly string[]): Merged {
  const parsed = texts.map((t, i) => parse(t, i + 1));
  if (parsed.length === 0) throw new TypeError('merge: give at least one encoding');
  const windowMs = parsed[0].windowMs;
  const slices = parsed[0].slices;
  if (parsed.some((p) => p.windowMs !== windowMs || p.slices !== slices)) throw new TypeError('merge: the encodings have different windows');
  const digits = Math.max(...parsed.map((p) => p.significantDigits));
  const layout = layoutFor(digits);
  const metrics = new Map<string, MetricAcc>();
  for (const p of parsed) {
    for (const m of p.metrics) {
      let acc = metrics.get(m.name);
      if (acc === undefined) metrics.set(m.name, (acc = { first: m, dropped: 0, overflow: 0, folded: 0, removed: 0, series: new Map() }));
      else if (acc.first.type !== m.type || acc.first.factor !== m.factor || JSON.stringify(acc.first.bounds) !== JSON.stringify(m.bounds)) throw new TypeError(`merge: metric ${JSON.stringify(m.name)} differs between encodings (type, unit or buckets)`);
      acc.dropped += m.droppedEvents;
      acc.overflow += m.overflowSeries;
      acc.folded += m.foldedEvents ?? 0;
      acc.removed += m.removedSeries ?? 0;
      for (const s of m.series) {
        const k = seriesKey(s.tags);
        let sa = acc.series.get(k);
        if (sa === undefined) acc.series.set(k, (sa = { tags: s.tags, created: undefined, value: 0, at: -Infinity, total: new HistogramAcc(), window: new HistogramAcc(), buckets: undefined }));
        if (typeof s.created === 'number') sa.created = Math.min(sa.created ?? Infinity, s.created);
        if (m.type === 'lastValue') {
          if (p.timestamp >= sa.at) {
            sa.value = s.value ?? 0;
            sa.at = p.timestamp;
          }
        } else if (m.type === 'counter' || m.type === 'sum') sa.value += s.value ?? 0;
        else {
          sa.total.add(s.total, m.name);
          sa.window.add(s.window, m.name);
          if (s.buckets !== undefined) {
            const b = (sa.buckets ??= new Array<number>(s.buckets.length).fill(0));
            for (let j = 0; j < b.length; j++) b[j] += s.buckets[j] ?? 0;
          }
        }
      }
    }
  }
  return { timestamp: Math.max(...parsed.map((p) => p.timestamp)), windowMs, slices, layout, metrics };
}

/** Combines encodings exactly: counts and sums add, histograms merge, lastValue takes the newest. */
export function mergeEncoded(texts: readonly string[]): MetricsSnapshot {
  const { timestamp, windowMs, layout, metrics } = mergeRaw(texts);
  let droppedEvents = 0;
  let overflowSeries = 0;
  let foldedEvents = 0;
  const out: MetricSnapshot[] = [];
  for (const acc of metrics.values()) {
    const m = acc.first;
    const hist = m.type === 'summary' || m.type === 'distribution';
    const series: SeriesSnapshot[] = [...acc.series.values()].map((s) =>
      hist ? { tags: s.tags, total: s.total.stats(layout, m.factor), window: s.window.stats(layout, m.factor) } : { tags: s.tags, value: s.value },
    );
    droppedEvents += acc.dropped;
    overflowSeries += acc.overflow;
    foldedEvents += acc.folded;
    out.push({ name: m.name, type: m.type, unit: m.unit ?? undefined, description: m.description ?? undefined, series, droppedEvents: acc.dropped, overflowSeries: acc.overflow, foldedEvents: acc.folded });
  }
  return { timestamp, windowMs, metrics: out, droppedEvents, overflowSeries, foldedEvents };
}
