import type { CheckResult } from '@rx-telemetry/core';
import { getHeapStatistics } from 'node:v8';
import { eventLoopDelay } from './event-loop-delay.js';
import { grade } from './health-report.js';

export interface Limits {
  readonly degraded: number;
  readonly critical: number;
}

/** Where the monitor's checks turn degraded and critical (each value is "at or above"). */
export interface HealthThresholds {
  /** p99 event-loop delay, ms (default 100 / 1000). */
  readonly eventLoopDelayMs?: Limits;
  /** Heap used / heap size limit (default 0.85 / 0.95). */
  readonly heapUsedRatio?: Limits;
  /** Handler failures in the monitor's window (default 1 / 50). */
  readonly handlerFailures?: Limits;
}

export const DEFAULT_THRESHOLDS: Required<HealthThresholds> = {
  eventLoopDelayMs: { degraded: 100, critical: 1000 },
  heapUsedRatio: { degraded: 0.85, critical: 0.95 },
  handlerFailures: { degraded: 1, critical: 50 },
};

/** The thresholds given, each checked (a TypeError naming it), defaults for the rest. */
export function checkThresholds(t: HealthThresholds | undefined): Required<HealthThresholds> {
  if (t === undefined) return DEFAULT_THRESHOLDS;
  if (t === null || typeof t !== 'object') throw new TypeError('monitorHealth: thresholds must be an object');
  const out = { ...DEFAULT_THRESHOLDS };
  for (const key of Object.keys(t) as (keyof HealthThresholds)[]) {
    if (!(key in DEFAULT_THRESHOLDS)) throw new TypeError(`monitorHealth: unknown threshold ${JSON.stringify(key)}`);
    const l = t[key] as Limits;
    const ok = (n: unknown): boolean => typeof n === 'number' && !Number.isNaN(n);
    if (l === null || typeof l !== 'object' || !ok(l.degraded) || !ok(l.critical) || l.degraded > l.critical) {
      throw new TypeError(`monitorHealth: thresholds.${key} must be { degraded, critical } numbers with degraded <= critical`);
    }
    out[key] = { degraded: l.degraded, critical: l.critical };
  }
  return out;
}

export function eventLoopCheck(windowMs: number, limits: Limits): CheckResult {
  const delay = eventLoopDelay(windowMs);
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

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
