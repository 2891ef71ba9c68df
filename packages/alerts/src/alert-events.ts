import type { EventName } from '@rx-telemetry/core';

/** `['telemetry','alert','fired']`: an alert went from pending to firing. */
export const ALERT_FIRED_EVENT: EventName = Object.freeze(['telemetry', 'alert', 'fired']);
/** `['telemetry','alert','resolved']`: a firing alert stopped breaching. */
export const ALERT_RESOLVED_EVENT: EventName = Object.freeze(['telemetry', 'alert', 'resolved']);
/** `['telemetry','alert','delivery_failed']`: a handler failed, timed out, or its queue overflowed. */
export const ALERT_DELIVERY_FAILED_EVENT: EventName = Object.freeze(['telemetry', 'alert', 'delivery_failed']);
