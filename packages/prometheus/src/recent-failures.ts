import { now } from '@rx-telemetry/core';

/** Failures within the last `windowMs` (at most `max` remembered): what the health check reads. */
export class RecentFailures {
  readonly #times: number[] = [];

  constructor(
    readonly windowMs = 60_000,
    readonly max = 1024,
  ) {}

  add(): void {
    this.#times.push(now());
    if (this.#times.length > this.max) this.#times.shift();
  }

  count(): number {
    const since = now() - this.windowMs;
    while (this.#times.length !== 0 && this.#times[0] < since) this.#times.shift();
    return this.#times.length;
  }
}
