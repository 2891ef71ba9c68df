import type { HistogramStats, MetricSnapshot, MetricsSnapshot, SeriesSnapshot } from '@rx-telemetry/hdr';
import type { MetricType } from '@rx-telemetry/core';

export const WINDOW_MS = 10_000;

export function snapshot(timestamp: number, ...metrics: MetricSnapshot[]): MetricsSnapshot {
  return { timestamp, windowMs: WINDOW_MS, metrics, droppedEvents: 0, overflowSeries: 0, foldedEvents: 0 };
}

export function metric(name: string, type: MetricType, series: SeriesSnapshot[]): MetricSnapshot {
  return { name, type, unit: undefined, description: undefined, series, droppedEvents: 0, overflowSeries: 0, foldedEvents: 0 };
}

/** A counter/sum/lastValue series. */
export function valueSeries(value: number, tags: Record<string, string> = {}): SeriesSnapshot {
  return { tags, value };
}

/** A distribution series whose window has `count` values, all percentiles equal to `p`. */
export function histogramSeries(p: number, count: number, tags: Record<string, string> = {}): SeriesSnapshot {
  const stats: HistogramStats = { count, sum: p * count, min: p, max: p, mean: p, p50: p, p90: p, p95: p, p99: p, p999: p };
  return { tags, window: stats, total: stats };
}

/** A distribution metric with one series per `[tags, p99]`. */
export function latency(name: string, ...series: [Record<string, string>, number][]): MetricSnapshot {
  return metric(name, 'distribution', series.map(([tags, p]) => histogramSeries(p, 10, tags)));
}
