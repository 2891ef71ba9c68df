import type { MetricSnapshot, MetricsSnapshot, SeriesSnapshot } from '@rx-telemetry/hdr';
import type { CounterWindow } from './counter-window.js';
import { hasTags } from '../labels.js';
import { metricsNamed } from './metric-index.js';
import type { Stat } from './rule.js';

const HISTOGRAM_STATS = new Set<Stat>(['mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max']);

/** The value of `stat` for one series, or `undefined` when the series has no such data. */
export function readStat(snapshot: MetricsSnapshot, metric: MetricSnapshot, series: SeriesSnapshot, stat: Stat, counters: CounterWindow): number | undefined {
  const window = series.window;
  if (window !== undefined) {
    if (stat === 'count') return window.count;
    if (stat === 'rate') return snapshot.windowMs > 0 ? window.count / (snapshot.windowMs / 1000) : undefined;
    if (HISTOGRAM_STATS.has(stat)) return window.count > 0 ? finite(window[stat as keyof typeof window]) : undefined;
    return undefined;
  }
  const value = series.value;
  if (value === undefined) return undefined;
  if (stat === 'value') return finite(value);
  if ((stat === 'count' && metric.type === 'counter') || (stat === 'rate' && (metric.type === 'counter' || metric.type === 'sum'))) {
    const delta = counters.observe(metric.name, series.tags, value, snapshot.windowMs);
    if (delta === undefined) return undefined;
    return stat === 'count' ? delta.increase : delta.elapsedMs > 0 ? delta.increase / (delta.elapsedMs / 1000) : undefined;
  }
  return undefined;
}

/** Events in the window for a ratio side (see RatioRule). */
export function readAmount(snapshot: MetricsSnapshot, metric: MetricSnapshot, series: SeriesSnapshot, counters: CounterWindow): number | undefined {
  if (series.window !== undefined) return series.window.count;
  if (series.value === undefined) return undefined;
  if (metric.type === 'lastValue') return finite(series.value);
  return counters.observe(metric.name, series.tags, series.value, snapshot.windowMs)?.increase;
}

function finite(n: number): number | undefined {
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Calls `visit` with every series of metric `name` whose tags match `tags` and that has a value
 * for `stat` (series without one are skipped): the walk threshold and anomaly rules share.
 */
export function forEachStat(
  snapshot: MetricsSnapshot,
  name: string,
  tags: Readonly<Record<string, string>> | undefined,
  stat: Stat,
  counters: CounterWindow,
  visit: (series: SeriesSnapshot, value: number) => void,
): void {
  for (const metric of metricsNamed(snapshot, name)) {
    for (const series of metric.series) {
      if (!hasTags(series.tags, tags)) continue;
      const value = readStat(snapshot, metric, series, stat, counters);
      if (value !== undefined) visit(series, value);
    }
  }
}
