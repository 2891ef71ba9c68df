import { encodeHistogram, FORMAT, type Encoded, type EncodedMetric, type EncodedSeries } from './codec.js';
import type { Layout } from './layout.js';
import type { MetricState } from './metric-state.js';
import { jsonSafe } from './restore.js';
import { ValueSeries } from './series.js';

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
    const series: EncodedSeries[] = st.all.map((s) => {
      if (s instanceof ValueSeries) return { tags: s.tags, value: s.value };
      s.statsInto(undefined, stats);
      const total = encodeHistogram(c.layout, s.counts(undefined), stats.count, stats.sum, stats.min, stats.max);
      s.statsInto(c.epoch, stats);
      const window = encodeHistogram(c.layout, s.counts(c.epoch), stats.count, stats.sum, stats.min, stats.max);
      return s.buckets === undefined ? { tags: s.tags, total, window } : { tags: s.tags, total, window, buckets: [...s.buckets] };
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
