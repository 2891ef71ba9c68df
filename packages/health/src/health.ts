import type { CheckResult, HealthCheck, Telemetry } from '@rx-telemetry/core';
import { worst, type HealthReport } from './health-report.js';
import { runCheck } from './run-check.js';

export interface HealthOptions {
  /** More checks by name, for this report only; a name equal to a registered check replaces it. */
  readonly checks?: Readonly<Record<string, HealthCheck>>;
  /** Per check (default 1000): a check still running then reports `critical` and its signal is aborted. */
  readonly timeoutMs?: number;
}

/**
 * The health of what is attached to `telemetry`: every check registered on it
 * (`telemetry.addHealthCheck`, by reporters, `Alerts`, the `HealthMonitor`, you) plus
 * `options.checks`, run concurrently. Never rejects because of a check and never waits longer
 * than `timeoutMs` for one.
 *
 * ```ts
 * const report = await health(telemetry, { checks: { db: async () => ((await pool.ping()) ? 'healthy' : 'critical') } });
 * res.statusCode = report.status === 'critical' ? 503 : 200;
 * ```
 */
export async function health(telemetry: Telemetry, options: HealthOptions = {}): Promise<HealthReport> {
  if (telemetry === null || typeof telemetry !== 'object' || typeof telemetry.healthChecks !== 'function') throw new TypeError('health: telemetry must be a Telemetry instance');
  if (options === null || typeof options !== 'object') throw new TypeError('health: options must be an object');
  const timeoutMs = options.timeoutMs ?? 1000;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new TypeError(`health: timeoutMs must be a finite number > 0, got ${String(timeoutMs)}`);
  const extra = options.checks ?? {};
  if (extra === null || typeof extra !== 'object') throw new TypeError('health: checks must be an object of functions');
  for (const [name, check] of Object.entries(extra)) if (typeof check !== 'function') throw new TypeError(`health: check ${JSON.stringify(name)} must be a function`);

  const all = new Map(telemetry.healthChecks());
  for (const [name, check] of Object.entries(extra)) all.set(name, check);
  const names = [...all.keys()];
  const results = await Promise.all(names.map((name) => runCheck(name, all.get(name) as HealthCheck, timeoutMs)));
  const checks: Record<string, CheckResult> = {};
  names.forEach((name, i) => {
    checks[name] = results[i];
  });
  return { status: worst(results.map((c) => c.status)), timestamp: new Date().toISOString(), checks };
}
