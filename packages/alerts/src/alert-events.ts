import type { EventName } from '@rx-telemetry/core';

/** `['telemetry','alert','fired']`: an alert went from pending to firing. */
export const ALERT_FIRED_EVENT: EventName = Object.freeze(['telemetry', 'alert', 'fired']);
/** `['telemetry','alert','resolved']`: a firing alert stopped breaching (or `Alerts` stopped). */
export const ALERT_RESOLVED_EVENT: EventName = Object.freeze(['telemetry', 'alert', 'resolved']);
/** `['telemetry','alert','delivery_failed']`: a handler failed, timed out, its queue overflowed, or stop() abandoned it. */
export const ALERT_DELIVERY_FAILED_EVENT: EventName = Object.freeze(['telemetry', 'alert', 'delivery_failed']);
/** `['telemetry','alert','unknown_metric']`: a rule names a metric the snapshots do not have (once per rule and metric). */
export const ALERT_UNKNOWN_METRIC_EVENT: EventName = Object.freeze(['telemetry', 'alert', 'unknown_metric']);
