import type { CheckResult, HealthStatus } from '@rx-telemetry/core';

/**
 * What `health()` resolves: the worst status of all checks, and each check's own.
 *
 * ```ts
 * const report: HealthReport = await health(telemetry);
 * if (report.status === 'critical') console.error(report.checks);
 * ```
 */
// A type alias, not an interface: it must be assignable to index-signature types such as the
// Prometheus reporter's `listen({ health })` report.
export type HealthReport = {
  readonly status: HealthStatus;
  /** ISO 8601, when the report was made. */
  readonly timestamp: string;
  readonly checks: Readonly<Record<string, CheckResult>>;
};

const RANK: Readonly<Record<HealthStatus, number>> = { healthy: 0, degraded: 1, critical: 2 };

export function worst(statuses: Iterable<HealthStatus>): HealthStatus {
  let out: HealthStatus = 'healthy';
  for (const s of statuses) if (RANK[s] > RANK[out]) out = s;
  return out;
}

export function isHealthStatus(value: unknown): value is HealthStatus {
  return value === 'healthy' || value === 'degraded' || value === 'critical';
}

/** `critical` at or above `critical`, else `degraded` at or above `degraded`. */
export function grade(value: number, limits: { readonly degraded: number; readonly critical: number }): HealthStatus {
  return value >= limits.critical ? 'critical' : value >= limits.degraded ? 'degraded' : 'healthy';
}
