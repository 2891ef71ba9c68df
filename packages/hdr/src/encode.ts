import { encodeHistogram, FORMAT, type Encoded, type EncodedMetric, type EncodedSeries } from './codec.js';
import type { Layout } from './layout.js';
import type { MetricState } from './metric-state.js';
import { jsonSafe } from './restore.js';

export interface EncodeContext {
  readonly states: readonly MetricState[];
  readonly layout: Layout;
  readonly epoch: number;
  readonly windowMs: number;
  readonly slices: number;
  readonly significantDigits: number;
}

/** The aggregator's data as `Aggregator.merge` reads it; writes nothing. */
export function encodeStates(c: EncodeContext): string {
  const stats = { count: 0, sum: 0, min: 0, max: 0 };
  const metrics: EncodedMetric[] = c.states.map((st) => {
    const hist = st.hist;
    const values = st.values;
    const series: EncodedSeries[] = st.all.map((s) => {
      if (hist === undefined) return { tags: s.tags, created: s.created, value: values?.value(s.id) ?? 0 };
      hist.statsInto(s.id, undefined, stats);
      const total = encodeHistogram(c.layout, hist.counts(s.id, undefined), stats.count, stats.sum, stats.min, stats.max);
      hist.statsInto(s.id, c.epoch, stats);
      const window = encodeHistogram(c.layout, hist.counts(s.id, c.epoch), stats.count, stats.sum, stats.min, stats.max);
      return hist.bucketCount === 0 ? { tags: s.tags, created: s.created, total, window } : { tags: s.tags, created: s.created, total, window, buckets: [...hist.bucketCounts(s.id)] };
    });
    const d = st.definition;
    return {
      name: d.name,
      type: d.type,
      unit: d.unit ?? null,
      description: d.description ?? null,
      factor: st.factor,
      tags: d.tags,
      bounds: st.buckets ?? null,
      reporterOptions: jsonSafe(d.reporterOptions),
      droppedEvents: st.dropped,
      overflowSeries: st.overflowed,
      foldedEvents: st.folded,
      removedSeries: st.removed,
      series,
    };
  });
  const out: Encoded = {
    format: FORMAT,
    timestamp: Date.now(),
    windowMs: c.windowMs,
    slices: c.slices,
    significantDigits: c.significantDigits,
    metrics,
  };
  return JSON.stringify(out);
}
