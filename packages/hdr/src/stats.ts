import type { Layout } from './layout.js';
import { PERCENTILES, valuesAtPercentiles, type Chunks } from './percentiles.js';
import type { HistogramStats } from './snapshot.js';

const EMPTY: HistogramStats = Object.freeze({ count: 0, sum: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0 });

/**
 * Values at ascending `percentiles` in the metric's unit: HdrHistogram's (within 10^-digits
 * relative), clamped into [min, max] so that a percentile never exceeds the largest value
 * actually seen; zeros when `count` is 0.
 */
export function percentilesOf(layout: Layout, chunks: Chunks, count: number, min: number, max: number, factor: number, percentiles: readonly number[], out: number[]): number[] {
  valuesAtPercentiles(layout, chunks, count, percentiles, out);
  if (count === 0) return out;
  for (let i = 0; i < out.length; i++) out[i] = Math.min(max, Math.max(min, out[i] / factor));
  return out;
}

/** Statistics of one histogram in the metric's unit. count/sum/min/max/mean are exact. */
export function histogramStats(layout: Layout, chunks: Chunks, count: number, sum: number, min: number, max: number, factor: number): HistogramStats {
  if (count === 0) return EMPTY;
  const p = percentilesOf(layout, chunks, count, min, max, factor, PERCENTILES, []);
  return Object.freeze({ count, sum, min, max, mean: sum / count, p50: p[0], p90: p[1], p95: p[2], p99: p[3], p999: p[4] });
}
