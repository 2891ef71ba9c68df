import type { MetricType, Unit } from '@rx-telemetry/core';

/** Distribution statistics of one series, in the metric's unit. */
export interface HistogramStats {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
}

/** One tag set of one metric. */
export interface SeriesSnapshot {
  /** Tag values by tag name; the overflow series is `{ overflow: 'true' }`. */
  readonly tags: Readonly<Record<string, string>>;
  /** counter / sum / lastValue: the value. */
  readonly value?: number;
  /** summary / distribution: since the aggregator started. */
  readonly total?: HistogramStats;
  /** summary / distribution: over the sliding window. */
  readonly window?: HistogramStats;
}

export interface MetricSnapshot {
  readonly name: string;
  readonly type: MetricType;
  readonly unit: Unit | undefined;
  readonly description: string | undefined;
  readonly series: readonly SeriesSnapshot[];
  /** Events skipped: missing or non-finite measurement, missing tag, negative histogram value, a throwing user function. */
  readonly droppedEvents: number;
  /** Events folded into the overflow series because of `maxSeriesPerMetric`. */
  readonly overflowSeries: number;
  /** Events whose tag values held lone UTF-16 surrogates, recorded under the value with each replaced by U+FFFD. */
  readonly foldedEvents: number;
}

export interface MetricsSnapshot {
  /** Milliseconds since the epoch when the snapshot was taken. */
  readonly timestamp: number;
  /** Length of the sliding window the `window` stats cover. */
  readonly windowMs: number;
  readonly metrics: readonly MetricSnapshot[];
  /** Totals over all metrics. */
  readonly droppedEvents: number;
  readonly overflowSeries: number;
  readonly foldedEvents: number;
}
