import type { Telemetry } from '@rx-telemetry/core';
import { countCheck, DEFAULT_THRESHOLDS, eventLoopCheck, firingAlertsCheck, heapCheck, type HealthThresholds } from './builtin-checks.js';
import { worst, type CheckResult, type HealthCheck, type HealthReport } from './health-report.js';
import { monitorHealth } from './health-monitor.js';
import { runCheck } from './run-check.js';

export interface HealthOptions {
  /** Custom checks by name; a name equal to a built-in one replaces it. */
  readonly checks?: Readonly<Record<string, HealthCheck>>;
  /** Per custom check (default 1000): a check still running then reports `critical`. */
  readonly timeoutMs?: number;
  /** Run the built-in checks (default true). */
  readonly builtIn?: boolean;
  readonly thresholds?: HealthThresholds;
}

/**
 * The process's health: built-in checks (`eventLoop`, `heap`, `handlerFailures`,
 * `reporterDrops`, `alertDelivery`, `alerts`) plus custom ones, run concurrently. Never rejects
 * and never waits longer than `timeoutMs` for a custom check.
 *
 * ```ts
 * const report = await health(telemetry, { checks: { db: async () => ((await pool.ping()) ? 'healthy' : 'critical') } });
 * res.statusCode = report.status === 'critical' ? 503 : 200;
 * ```
 */
export async function health(telemetry: Telemetry, options: HealthOptions = {}): Promise<HealthReport> {
  if (options === null || typeof options !== 'object') throw new TypeError('health: options must be an object');
  const timeoutMs = options.timeoutMs ?? 1000;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new TypeError(`health: timeoutMs must be a finite number > 0, got ${String(timeoutMs)}`);
  const custom = options.checks ?? {};
  if (custom === null || typeof custom !== 'object') throw new TypeError('health: checks must be an object of functions');
  for (const [name, check] of Object.entries(custom)) if (typeof check !== 'function') throw new TypeError(`health: check ${JSON.stringify(name)} must be a function`);

  const monitor = monitorHealth(telemetry);
  const t = options.thresholds ?? {};
  const limits: Required<HealthThresholds> = {
    eventLoopDelayMs: t.eventLoopDelayMs ?? DEFAULT_THRESHOLDS.eventLoopDelayMs,
    heapUsedRatio: t.heapUsedRatio ?? DEFAULT_THRESHOLDS.heapUsedRatio,
    handlerFailures: t.handlerFailures ?? DEFAULT_THRESHOLDS.handlerFailures,
    reporterDrops: t.reporterDrops ?? DEFAULT_THRESHOLDS.reporterDrops,
    alertDelivery: t.alertDelivery ?? DEFAULT_THRESHOLDS.alertDelivery,
  };
  const checks: Record<string, CheckResult> = {};
  if (options.builtIn !== false) {
    const w = monitor.windowMs;
    checks.eventLoop = eventLoopCheck(monitor, limits.eventLoopDelayMs);
    checks.heap = heapCheck(limits.heapUsedRatio);
    checks.handlerFailures = countCheck(monitor.handlerFailures(), 'handler failures', w, limits.handlerFailures);
    checks.reporterDrops = countCheck(monitor.reporterDrops(), 'dropped by reporters', w, limits.reporterDrops);
    checks.alertDelivery = countCheck(monitor.deliveryFailures(), 'alert delivery failures', w, limits.alertDelivery);
    checks.alerts = firingAlertsCheck(monitor);
  }
  const names = Object.keys(custom);
  const results = await Promise.all(names.map((name) => runCheck(name, custom[name], timeoutMs)));
  names.forEach((name, i) => {
    checks[name] = results[i];
  });
  return { status: worst(Object.values(checks).map((c) => c.status)), timestamp: new Date().toISOString(), checks };
}
