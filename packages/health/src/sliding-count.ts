/** Amounts recorded in the last `windowMs` (timestamps from an injectable clock). */
export class SlidingCount {
  readonly #entries: { t: number; n: number }[] = [];

  constructor(
    public windowMs: number,
    private readonly now: () => number,
  ) {}

  add(n = 1): void {
    this.#entries.push({ t: this.now(), n });
    // Bounded even when nobody reads: a burst of failures must not grow memory without end.
    if (this.#entries.length > 10_000) this.#prune();
  }

  total(): number {
    this.#prune();
    let sum = 0;
    for (const e of this.#entries) sum += e.n;
    return sum;
  }

  #prune(): void {
    const from = this.now() - this.windowMs;
    let i = 0;
    while (i < this.#entries.length && this.#entries[i].t <= from) i++;
    if (i !== 0) this.#entries.splice(0, i);
    if (this.#entries.length > 10_000) {
      // Merge the oldest half so the count stays right while memory stays flat.
      const half = this.#entries.splice(0, this.#entries.length >> 1);
      this.#entries.unshift({ t: half[half.length - 1].t, n: half.reduce((s, e) => s + e.n, 0) });
    }
  }
}
