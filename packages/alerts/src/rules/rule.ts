import type { Severity } from '../alert.js';

/**
 * What a threshold or anomaly rule reads from a series:
 * - `value`: a counter, sum or lastValue's value;
 * - `count`: events in the window (a distribution's window count; a counter's increase);
 * - `rate`: events per second over the window;
 * - `mean`, `p50` … `p999`, `max`: a summary or distribution's window statistics.
 * A series without the stat (wrong metric type, empty window) has no data and never breaches.
 */
export type Stat = 'value' | 'count' | 'rate' | 'mean' | 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max';

export type Comparison = '>' | '>=' | '<' | '<=';

interface RuleBase {
  /** Unique among the rules of one `Alerts`; it is the alert's name (`alertname` in Alertmanager). */
  readonly name: string;
  readonly severity: Severity;
  /** How long the condition must hold before the alert fires (default 0: on the first breach). */
  readonly forMs?: number;
  /** Static labels added to every alert of this rule, e.g. `{ team: 'payments' }`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Free text passed along to handlers, e.g. `{ summary: 'p99 latency above 250 ms' }`. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * Fires for every series of `metric` (restricted to those carrying all of `tags`) whose `stat`
 * compares to `threshold` with `op`; each series is its own alert.
 *
 * ```ts
 * const slow: ThresholdRule = { name: 'SlowRequests', severity: 'warning',
 *   metric: 'http.request.duration', tags: { route: '/pay' }, stat: 'p99', op: '>', threshold: 250, forMs: 60_000 };
 * ```
 */
export interface ThresholdRule extends RuleBase {
  readonly metric: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly stat: Stat;
  readonly op: Comparison;
  readonly threshold: number;
}

/**
 * `numerator / denominator` over the window, e.g. errors per request. Each side is the number of
 * events in the window (distribution/summary: window count; counter/sum: increase; lastValue:
 * value), summed over the series that carry all of `tags`, grouped by the `by` tag names (one
 * alert per group; default: one alert for everything). A group whose denominator is 0 has no data.
 *
 * ```ts
 * const errors: RatioRule = { name: 'ErrorRate', severity: 'critical',
 *   ratio: { numerator: 'http.request.errors', denominator: 'http.request.count', by: ['route'] },
 *   op: '>', threshold: 0.05 };
 * ```
 */
export interface RatioRule extends RuleBase {
  readonly ratio: {
    readonly numerator: string;
    readonly denominator: string;
    readonly tags?: Readonly<Record<string, string>>;
    readonly by?: readonly string[];
  };
  readonly op: Comparison;
  readonly threshold: number;
}

/**
 * Compares each series' `stat` with the mean of its own normal (non-breaching) values over the
 * trailing `baselineWindowMs`: with `factor > 1` it breaches above `baseline * factor`, with
 * `factor < 1` below it. Until `minSamples` (default 3) normal values exist there is no data.
 * Breaching values are kept out of the baseline, so a lasting shift fires for at most about
 * `baselineWindowMs`, then becomes the new normal.
 *
 * ```ts
 * const degraded: AnomalyRule = { name: 'LatencyDoubled', severity: 'warning',
 *   anomaly: { metric: 'db.query.duration', stat: 'p95', baselineWindowMs: 600_000, factor: 2 } };
 * ```
 */
export interface AnomalyRule extends RuleBase {
  readonly anomaly: {
    readonly metric: string;
    readonly stat: Stat;
    readonly baselineWindowMs: number;
    readonly factor: number;
    readonly tags?: Readonly<Record<string, string>>;
    readonly minSamples?: number;
  };
}

export type AlertRule = ThresholdRule | RatioRule | AnomalyRule;

export const STATS: readonly Stat[] = ['value', 'count', 'rate', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'];
export const COMPARISONS: readonly Comparison[] = ['>', '>=', '<', '<='];
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];
