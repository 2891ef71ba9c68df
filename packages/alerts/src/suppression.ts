/**
 * Limits notifications. Bus events are never suppressed (they feed metrics); handlers are.
 *
 * ```ts
 * const quiet: Suppression = { minIntervalMs: 300_000, occurrenceThreshold: 3 };
 * ```
 */
export interface Suppression {
  /**
   * At most one `firing` notification per rule and label set in this interval (default 0). A
   * fire suppressed by it is sent later if the alert is still firing once the interval is over;
   * the resolution of a sent fire is always sent, so no receiver keeps a stale firing alert.
   */
  readonly minIntervalMs?: number;
  /** Consecutive breaching evaluations needed before an alert fires (default 1); `forMs` also applies. */
  readonly occurrenceThreshold?: number;
}
