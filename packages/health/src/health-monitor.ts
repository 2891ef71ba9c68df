import { HANDLER_FAILURE_EVENT, Telemetry } from '@rx-telemetry/core';
import { checkThresholds, countCheck, eventLoopCheck, heapCheck, type HealthThresholds } from './builtin-checks.js';
import { holdEventLoopSampler, releaseEventLoopSampler } from './event-loop-delay.js';
import { SlidingCount } from './sliding-count.js';

export interface HealthMonitorOptions {
  /** The window the handler-failure count and the event-loop delay cover (default 60000). */
  readonly windowMs?: number;
  readonly thresholds?: HealthThresholds;
  /** Clock for the failure window, ms (default `Date.now`). */
  readonly now?: () => number;
}

/** The checks a monitor registers on its bus. */
const CHECKS = ['eventLoop', 'heap', 'handlerFailures'] as const;
const KNOWN = new Set(['windowMs', 'thresholds', 'now']);
let seq = 0;

/**
 * Watches the process for `health()`: registers the checks `eventLoop` (p99 event-loop delay),
 * `heap` (used / limit) and `handlerFailures` (`['telemetry','handler','failure']` in the window)
 * on the bus, and counts failures between health requests. One per bus (a second is a TypeError);
 * registers with the bus, so `telemetry.shutdown()` stops it.
 *
 * ```ts
 * const monitor = new HealthMonitor(telemetry, { windowMs: 30_000 });
 * console.log(monitor.handlerFailures());
 * await monitor.stop();
 * ```
 */
export class HealthMonitor {
  readonly windowMs: number;
  readonly #telemetry: Telemetry;
  readonly #id = `rx-telemetry/health:monitor#${++seq}`;
  readonly #failures: SlidingCount;
  readonly #removeChecks: (() => void)[] = [];
  readonly #stop: () => Promise<void>;

  constructor(telemetry: Telemetry, options: HealthMonitorOptions = {}) {
    if (!(telemetry instanceof Telemetry)) throw new TypeError('monitorHealth: telemetry must be a Telemetry instance');
    if (options === null || typeof options !== 'object') throw new TypeError('monitorHealth: options must be an object');
    for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new TypeError(`monitorHealth: unknown option ${JSON.stringify(key)}`);
    const w = options.windowMs ?? 60_000;
    if (typeof w !== 'number' || !(w > 0) || !Number.isFinite(w)) throw new TypeError(`monitorHealth: windowMs must be a finite number > 0, got ${String(w)}`);
    const now = options.now ?? Date.now;
    if (typeof now !== 'function') throw new TypeError('monitorHealth: now must be a function');
    const limits = checkThresholds(options.thresholds);
    const taken = CHECKS.filter((name) => telemetry.healthChecks().has(name));
    if (taken.length !== 0) throw new TypeError(`monitorHealth: this bus already has the checks ${taken.join(', ')} (a health monitor runs on it already; stop it first)`);
    this.windowMs = w;
    this.#telemetry = telemetry;
    this.#failures = new SlidingCount(w, now);
    this.#removeChecks.push(
      telemetry.addHealthCheck('eventLoop', () => eventLoopCheck(w, limits.eventLoopDelayMs)),
      telemetry.addHealthCheck('heap', () => heapCheck(limits.heapUsedRatio)),
      telemetry.addHealthCheck('handlerFailures', () => countCheck(this.#failures.total(), 'handler failures', w, limits.handlerFailures)),
    );
    telemetry.attach(this.#id, HANDLER_FAILURE_EVENT, () => this.#failures.add(), undefined, { onFailure: 'keep' });
    holdEventLoopSampler();
    this.#stop = telemetry.manage('health-monitor', () => this.#close());
  }

  /** `['telemetry','handler','failure']` emissions in the window. */
  handlerFailures(): number {
    return this.#failures.total();
  }

  /** Detaches, removes its checks from the bus and releases the event-loop sampler. Idempotent. */
  stop(): Promise<void> {
    return this.#stop();
  }

  #close(): void {
    this.#telemetry.detach(this.#id);
    for (const remove of this.#removeChecks.splice(0)) remove();
    releaseEventLoopSampler();
  }
}

/** `new HealthMonitor(telemetry, options)`: call it at startup, so failures are counted from then. */
export function monitorHealth(telemetry: Telemetry, options?: HealthMonitorOptions): HealthMonitor {
  return new HealthMonitor(telemetry, options);
}
