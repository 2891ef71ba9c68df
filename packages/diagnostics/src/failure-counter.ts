import { now, type EventHandle, type Telemetry } from '@rx-telemetry/core';
import { DIAGNOSTICS_FAILURE_EVENT } from './events.js';

/**
 * A subscriber must never throw into Node (diagnostics_channel rethrows a subscriber's error as an
 * uncaught exception on the next tick): the bridge catches and reports here, as
 * `['telemetry','diagnostics','failure']`, the first at once, then at most once a second with the
 * count since the last report and the latest failure.
 */
export class FailureCounter {
  readonly #handle: EventHandle;
  #pending = 0;
  #channel = '';
  #reason: unknown = undefined;
  #lastReport = Number.NEGATIVE_INFINITY;

  constructor(bus: Telemetry) {
    this.#handle = bus.event(DIAGNOSTICS_FAILURE_EVENT);
  }

  report(channel: string, reason: unknown): void {
    this.#pending++;
    this.#channel = channel;
    this.#reason = reason;
    const t = now();
    if (t - this.#lastReport >= 1000) this.flush(t);
  }

  flush(t: number = now()): void {
    if (this.#pending === 0) return;
    const count = this.#pending;
    const channel = this.#channel;
    const reason = this.#reason;
    this.#pending = 0;
    this.#reason = undefined;
    this.#lastReport = t;
    this.#handle.emit({ count }, { channel, reason });
  }
}
