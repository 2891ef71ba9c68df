import { now, type EventHandle, type Telemetry } from '@rx-telemetry/core';
import { DIAGNOSTICS_DROPPED_EVENT } from './events.js';

/**
 * Counts what a bound left untraced and reports it as `['telemetry','diagnostics','dropped']`:
 * the first drop at once, then at most once a second with the count since the last report;
 * `flush()` reports the rest (the bridge calls it in `stop()`).
 */
export class DropCounter {
  readonly #handle: EventHandle;
  readonly #reason: string;
  readonly #limit: number;
  #pending = 0;
  #lastReport = Number.NEGATIVE_INFINITY;
  /** Every drop so far. */
  total = 0;

  constructor(bus: Telemetry, reason: string, limit: number) {
    this.#handle = bus.event(DIAGNOSTICS_DROPPED_EVENT);
    this.#reason = reason;
    this.#limit = limit;
  }

  drop(): void {
    this.total++;
    this.#pending++;
    const t = now();
    if (t - this.#lastReport >= 1000) this.flush(t);
  }

  flush(t: number = now()): void {
    if (this.#pending === 0) return;
    const count = this.#pending;
    this.#pending = 0;
    this.#lastReport = t;
    this.#handle.emit({ count }, { reason: this.#reason, limit: this.#limit });
  }
}
