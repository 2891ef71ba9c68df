/** A health status, worst last. */
export type HealthStatus = 'healthy' | 'degraded' | 'critical';

/** One check's answer. */
export interface CheckResult {
  readonly status: HealthStatus;
  /** Human-readable: what was measured, against what. */
  readonly detail: string;
  /** The measured number, when there is one (ms, ratio, count). */
  readonly value?: number;
}

/**
 * A health check. It gets an AbortSignal that fires when the evaluator's timeout expires; a
 * check that throws, rejects or times out counts as `critical`. A bare status is accepted.
 *
 * ```ts
 * bus.addHealthCheck('db', async (signal) => ((await ping({ signal })) ? 'healthy' : { status: 'critical', detail: 'no answer' }));
 * ```
 */
export type HealthCheck = (signal: AbortSignal) => Promise<CheckResult | HealthStatus> | CheckResult | HealthStatus;

/**
 * Where the parts attached to a bus register their health checks, so that whatever evaluates
 * health (`@rx-telemetry/health`) needs to know no reporter by name.
 */
export class HealthChecks {
  readonly #checks = new Map<string, HealthCheck>();

  add(name: string, check: HealthCheck): () => void {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('addHealthCheck: name must be a non-empty string');
    if (typeof check !== 'function') throw new TypeError('addHealthCheck: check must be a function');
    if (this.#checks.has(name)) throw new TypeError(`addHealthCheck: a check named ${JSON.stringify(name)} is already registered`);
    this.#checks.set(name, check);
    return () => {
      if (this.#checks.get(name) === check) this.#checks.delete(name);
    };
  }

  get all(): ReadonlyMap<string, HealthCheck> {
    return new Map(this.#checks);
  }
}
