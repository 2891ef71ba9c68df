import type { Layout } from './layout.js';
import { PERCENTILES, valuesAtPercentiles, type Chunks } from './percentiles.js';
import type { HistogramStats } from './snapshot.js';

const EMPTY: HistogramStats = Object.freeze({ count: 0, sum: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0 });

/**
 * Statistics of one histogram in the metric's unit. count/sum/min/max/mean are exact; the
 * percentiles are HdrHistogram's (within 10^-digits relative), clamped into [min, max] so that a
 * percentile never exceeds the largest value actually seen.
 */
export function histogramStats(layout: Layout, chunks: Chunks, count: number, sum: number, min: number, max: number, factor: number): HistogramStats {
  if (count === 0) return EMPTY;
  const p = valuesAtPercentiles(layout, chunks, count, PERCENTILES, []);
  const at = (x: number): number => Math.min(max, Math.max(min, x / factor));
  return Object.freeze({ count, sum, min, max, mean: sum / count, p50: at(p[0]), p90: at(p[1]), p95: at(p[2]), p99: at(p[3]), p999: at(p[4]) });
}
