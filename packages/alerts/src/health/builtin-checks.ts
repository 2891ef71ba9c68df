import { getHeapStatistics } from 'node:v8';
import { eventLoopDelay } from './event-loop-delay.js';
import { grade, type CheckResult } from './health-report.js';
import type { HealthMonitor } from './health-monitor.js';

export interface Limits {
  readonly degraded: number;
  readonly critical: number;
}

/** Where built-in checks turn degraded and critical (each value is "at or above"). */
export interface HealthThresholds {
  /** p99 event-loop delay, ms (default 100 / 1000). */
  readonly eventLoopDelayMs?: Limits;
  /** Heap used / heap size limit (default 0.85 / 0.95). */
  readonly heapUsedRatio?: Limits;
  /** Handler failures in the monitor's window (default 1 / 50). */
  readonly handlerFailures?: Limits;
  /** Dropped items in the window (default 1 / never). */
  readonly reporterDrops?: Limits;
  /** Alert delivery failures in the window (default 1 / never). */
  readonly alertDelivery?: Limits;
}

export const DEFAULT_THRESHOLDS: Required<HealthThresholds> = {
  eventLoopDelayMs: { degraded: 100, critical: 1000 },
  heapUsedRatio: { degraded: 0.85, critical: 0.95 },
  handlerFailures: { degraded: 1, critical: 50 },
  reporterDrops: { degraded: 1, critical: Number.POSITIVE_INFINITY },
  alertDelivery: { degraded: 1, critical: Number.POSITIVE_INFINITY },
};

export function eventLoopCheck(monitor: HealthMonitor, limits: Limits): CheckResult {
  const delay = eventLoopDelay(monitor.windowMs);
  if (delay === undefined) return { status: 'healthy', detail: 'no event-loop samples yet' };
  return { status: grade(delay.p99, limits), detail: `p99 delay ${delay.p99.toFixed(1)} ms, max ${delay.max.toFixed(1)} ms`, value: delay.p99 };
}

export function heapCheck(limits: Limits): CheckResult {
  const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
  const ratio = used / limit;
  return { status: grade(ratio, limits), detail: `heap used ${mb(used)} of ${mb(limit)} limit (${(ratio * 100).toFixed(1)} %)`, value: ratio };
}

export function countCheck(count: number, what: string, windowMs: number, limits: Limits): CheckResult {
  return { status: grade(count, limits), detail: `${count} ${what} in the last ${windowMs / 1000} s`, value: count };
}

export function firingAlertsCheck(monitor: HealthMonitor): CheckResult {
  const critical = monitor.firingAlerts('critical');
  const warning = monitor.firingAlerts('warning');
  const list = (alerts: { name: string }[]): string => [...new Set(alerts.map((a) => a.name))].join(', ');
  if (critical.length !== 0) return { status: 'critical', detail: `${critical.length} critical alert(s) firing: ${list(critical)}`, value: critical.length };
  if (warning.length !== 0) return { status: 'degraded', detail: `${warning.length} warning alert(s) firing: ${list(warning)}`, value: 0 };
  return { status: 'healthy', detail: 'no critical or warning alerts firing', value: 0 };
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
