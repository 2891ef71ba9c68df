import { HANDLER_FAILURE_EVENT, type EventName, type Measurements, type Metadata, type Telemetry } from '@rx-telemetry/core';
import { ALERT_DELIVERY_FAILED_EVENT, ALERT_FIRED_EVENT, ALERT_RESOLVED_EVENT } from '../alert-events.js';
import { labelsKey } from '../labels.js';
import { startEventLoopDelay } from './event-loop-delay.js';
import { SlidingCount } from './sliding-count.js';

export interface HealthMonitorOptions {
  /** The window failure and drop counts cover (default 60000). */
  readonly windowMs?: number;
  /**
   * Events that report dropped telemetry (default: `['telemetry','logger','dropped']` and
   * `['telemetry','statsd','error']`, a send that did not reach StatsD).
   */
  readonly dropEvents?: readonly EventName[];
  /** Clock for the windows, ms (default `Date.now`). */
  readonly now?: () => number;
}

export const DEFAULT_DROP_EVENTS: readonly EventName[] = Object.freeze([
  Object.freeze(['telemetry', 'logger', 'dropped']),
  Object.freeze(['telemetry', 'statsd', 'error']),
]);

const monitors = new WeakMap<Telemetry, HealthMonitor>();
let seq = 0;

/**
 * Listens on the bus for what `health()` reports: handler failures, reporter drops, alert
 * delivery failures, and which alerts are firing. `Alerts` starts one for its bus; start one
 * yourself at startup to count from then (otherwise counting starts at the first `health()`).
 *
 * ```ts
 * const monitor = monitorHealth(telemetry, { windowMs: 30_000 });
 * console.log(monitor.handlerFailures(), monitor.firingAlerts('critical'));
 * ```
 */
export function monitorHealth(telemetry: Telemetry, options?: HealthMonitorOptions): HealthMonitor {
  let monitor = monitors.get(telemetry);
  if (monitor === undefined || monitor.stopped) {
    monitor = new HealthMonitor(telemetry, options);
    monitors.set(telemetry, monitor);
  } else if (options !== undefined) {
    monitor.configure(options);
  }
  return monitor;
}

export interface FiringAlert {
  readonly name: string;
  readonly severity: string;
  readonly labels: Readonly<Record<string, string>>;
}

export class HealthMonitor {
  readonly #telemetry: Telemetry;
  readonly #id = `rx-telemetry/alerts:health#${++seq}`;
  readonly #failures: SlidingCount;
  readonly #drops: SlidingCount;
  readonly #deliveryFailures: SlidingCount;
  readonly #firing = new Map<string, FiringAlert>();
  #windowMs: number;
  #stopped = false;

  constructor(telemetry: Telemetry, options: HealthMonitorOptions = {}) {
    this.#telemetry = telemetry;
    const now = options.now ?? Date.now;
    if (typeof now !== 'function') throw new TypeError('monitorHealth: now must be a function');
    this.#windowMs = windowOf(options);
    this.#failures = new SlidingCount(this.#windowMs, now);
    this.#drops = new SlidingCount(this.#windowMs, now);
    this.#deliveryFailures = new SlidingCount(this.#windowMs, now);
    this.#attach(options.dropEvents ?? DEFAULT_DROP_EVENTS);
    startEventLoopDelay();
  }

  get windowMs(): number {
    return this.#windowMs;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  configure(options: HealthMonitorOptions): void {
    if (options.windowMs !== undefined) {
      this.#windowMs = windowOf(options);
      this.#failures.windowMs = this.#drops.windowMs = this.#deliveryFailures.windowMs = this.#windowMs;
    }
    if (options.dropEvents !== undefined) {
      this.#telemetry.detach(this.#id);
      this.#attach(options.dropEvents);
    }
  }

  /** `['telemetry','handler','failure']` emissions in the window. */
  handlerFailures(): number {
    return this.#failures.total();
  }

  /** Dropped items reported in the window (a drop event's `count` or `dropped` measurement, else 1). */
  reporterDrops(): number {
    return this.#drops.total();
  }

  /** `['telemetry','alert','delivery_failed']` emissions in the window. */
  deliveryFailures(): number {
    return this.#deliveryFailures.total();
  }

  /** Alerts fired and not yet resolved, optionally of one severity. */
  firingAlerts(severity?: string): FiringAlert[] {
    const all = [...this.#firing.values()];
    return severity === undefined ? all : all.filter((a) => a.severity === severity);
  }

  stop(): void {
    this.#stopped = true;
    this.#telemetry.detach(this.#id);
  }

  #attach(dropEvents: readonly EventName[]): void {
    if (!Array.isArray(dropEvents)) throw new TypeError('monitorHealth: dropEvents must be an array of event names');
    const drops = new Set(dropEvents.map((e) => e.join('\u0000')));
    const events: EventName[] = [HANDLER_FAILURE_EVENT, ALERT_FIRED_EVENT, ALERT_RESOLVED_EVENT, ALERT_DELIVERY_FAILED_EVENT, ...dropEvents];
    this.#telemetry.attachMany(this.#id, events, (event, measurements, metadata) => this.#handle(event, measurements, metadata, drops), undefined, {
      onFailure: 'keep',
    });
  }

  #handle(event: EventName, measurements: Measurements, metadata: Metadata, drops: Set<string>): void {
    const name = event.join('\u0000');
    if (name === HANDLER_FAILURE_EVENT.join('\u0000')) this.#failures.add();
    else if (name === ALERT_DELIVERY_FAILED_EVENT.join('\u0000')) this.#deliveryFailures.add();
    else if (name === ALERT_FIRED_EVENT.join('\u0000') || name === ALERT_RESOLVED_EVENT.join('\u0000')) {
      const labels = (metadata.labels ?? {}) as Readonly<Record<string, string>>;
      const key = `${String(metadata.name)}\u0003${labelsKey(labels)}`;
      if (event[2] === 'fired') this.#firing.set(key, { name: String(metadata.name), severity: String(metadata.severity), labels });
      else this.#firing.delete(key);
    }
    if (drops.has(name)) {
      const n = measurements.count ?? measurements.dropped;
      this.#drops.add(typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 1);
    }
  }
}

function windowOf(options: HealthMonitorOptions): number {
  const w = options.windowMs ?? 60_000;
  if (typeof w !== 'number' || !(w > 0) || !Number.isFinite(w)) throw new TypeError(`monitorHealth: windowMs must be a finite number > 0, got ${String(w)}`);
  return w;
}
