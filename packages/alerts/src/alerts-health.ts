import type { CheckResult, HealthCheck } from '@rx-telemetry/core';
import type { Alert } from './alert.js';
import type { DeliveryQueue } from './delivery/delivery-queue.js';

/** Critical while a critical alert fires, degraded while a warning fires; info alerts are no degradation. */
export function firingCheck(firing: () => readonly Alert[]): HealthCheck {
  return (): CheckResult => {
    const alerts = firing();
    const critical = alerts.filter((a) => a.severity === 'critical');
    const warning = alerts.filter((a) => a.severity === 'warning');
    const list = (of: readonly Alert[]): string => [...new Set(of.map((a) => a.name))].join(', ');
    if (critical.length !== 0) return { status: 'critical', detail: `${critical.length} critical alert(s) firing: ${list(critical)}`, value: critical.length };
    if (warning.length !== 0) return { status: 'degraded', detail: `${warning.length} warning alert(s) firing: ${list(warning)}`, value: 0 };
    return { status: 'healthy', detail: 'no critical or warning alerts firing', value: 0 };
  };
}

/**
 * Degraded while a handler's latest notification failed (an error, a timeout, a drop); healthy
 * again after its next successful delivery. `value`: handlers in that state.
 */
export function deliveryCheck(queues: readonly DeliveryQueue[]): HealthCheck {
  return (): CheckResult => {
    const failing = queues.filter((q) => q.lastFailed);
    if (failing.length === 0) return { status: 'healthy', detail: `${queues.length} handler(s), none failing`, value: 0 };
    const names = failing.map((q) => `${q.name} (${q.failed} failed)`).join(', ');
    return { status: 'degraded', detail: `latest delivery failed: ${names}`, value: failing.length };
  };
}
