export type HealthStatus = 'healthy' | 'degraded' | 'critical';

export interface CheckResult {
  readonly status: HealthStatus;
  /** Human-readable: what was measured, against what. */
  readonly detail: string;
  /** The measured number, when there is one (ms, ratio, count). */
  readonly value?: number;
}

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

/**
 * A custom check. It gets an AbortSignal that fires when its timeout expires; a check that
 * throws, rejects or times out reports `critical`. A bare status is accepted for brevity.
 *
 * ```ts
 * const db: HealthCheck = async (signal) => ((await ping(pool, { signal })) ? 'healthy' : { status: 'critical', detail: 'no answer' });
 * ```
 */
export type HealthCheck = (signal: AbortSignal) => Promise<CheckResult | HealthStatus> | CheckResult | HealthStatus;

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
