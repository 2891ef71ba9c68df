/**
 * When something happened lately, for a health check's "in the last minute": the times of the
 * last few occurrences in a small ring (a burst of thousands costs one slot each, no growth).
 *
 * ```ts
 * const errors = new RecentTimes(60_000);
 * errors.add();
 * errors.count(); // 1 (for a minute)
 * ```
 */
export class RecentTimes {
  static readonly SLOTS = 64;
  readonly #times = new Float64Array(RecentTimes.SLOTS).fill(-Infinity);
  #next = 0;

  constructor(private readonly windowMs: number) {}

  add(now: number = Date.now()): void {
    this.#times[this.#next] = now;
    this.#next = (this.#next + 1) % RecentTimes.SLOTS;
  }

  /** Occurrences within the window, up to `SLOTS` (more means at least that many). */
  count(now: number = Date.now()): number {
    let n = 0;
    for (const t of this.#times) if (now - t < this.windowMs) n++;
    return n;
  }
}
