export type Severity = 'info' | 'warning' | 'critical';

/** `pending`: breaching, waiting for `forMs`; `firing`: notified; `resolved`: no longer breaching. */
export type AlertStatus = 'pending' | 'firing' | 'resolved';

/**
 * One rule's alert for one label set. Times are milliseconds since the epoch, taken from the
 * snapshots that were evaluated (not from the wall clock), so replayed data gives replayed times.
 *
 * ```ts
 * const alert: Alert = alerts.active()[0];
 * console.log(alert.name, alert.status, alert.labels.route, alert.value, '>', alert.threshold);
 * ```
 */
export interface Alert {
  /** The rule's name. */
  readonly name: string;
  readonly severity: Severity;
  readonly status: AlertStatus;
  /** The rule's static labels plus the tags of the series (or `by` group) that breached. */
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The value at the latest evaluation (for `resolved`: the first non-breaching one, if any). */
  readonly value: number;
  /** The line that was crossed; for anomaly rules `baseline * factor` at the latest breach. */
  readonly threshold: number;
  /** When the condition started to hold (the first breaching evaluation), as in Prometheus. */
  readonly startsAt: number;
  /** When it went from pending to firing. */
  readonly firedAt?: number;
  /** When it resolved. */
  readonly endsAt?: number;
  /**
   * Only on a resolution that `Alerts.stop()` sent: `'stopped'`. Evaluation ended with the alert
   * still firing, so it is resolved rather than left firing at receivers that would never hear
   * of it again; it says nothing about the condition itself.
   */
  readonly reason?: 'stopped';
}
