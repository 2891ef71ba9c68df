/**
 * The window's clock. The record path never reads the clock (a clock read costs as much as the
 * whole record): it reads `slot`/`epoch`, which a timer moves at every slice boundary. Reads
 * compute the epoch from the clock themselves (`current()`) and write nothing, so two reads at
 * the same instant see the same window, and reading never moves where records land.
 *
 * Records made between a boundary and the timer that follows it land in the slice before the
 * boundary: the window is exact to one slice, as it always was.
 */
export class Ticker {
  epoch = Number.NaN;
  slot = 0;
  // `declare`d: see HistogramStore (epoch and slot are read on the record path).
  declare readonly durationMs: number;
  declare readonly slots: number;
  declare readonly now: () => number;
  declare readonly sliceMs: number;
  #timer: NodeJS.Timeout | undefined = undefined;
  #frozen: number | undefined = undefined;

  constructor(durationMs: number, slots: number, now: () => number) {
    this.durationMs = durationMs;
    this.slots = slots;
    this.now = now;
    this.sliceMs = durationMs / slots;
    this.#advance();
  }

  /** The epoch a read at this instant sees (frozen at `stop()`). Reads nothing but the clock. */
  current(): number {
    return this.#frozen ?? Math.floor(this.now() / this.sliceMs);
  }

  /**
   * Moves the record cursor at every slice boundary from now on (an unref'd timer), then calls
   * `onSlice` (the idle sweep) with the new epoch.
   */
  start(onSlice?: (epoch: number) => void): void {
    const next = (this.epoch + 1) * this.sliceMs - this.now();
    this.#timer = setTimeout(() => {
      this.#advance();
      this.start(onSlice);
      onSlice?.(this.epoch);
    }, Math.max(1, Math.ceil(next)));
    this.#timer.unref();
  }

  /** Stops the timer and freezes what reads see (and `epoch`/`slot`) at the current epoch. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#frozen !== undefined) return;
    this.#advance();
    this.#frozen = this.epoch;
  }

  #advance(): void {
    const epoch = Math.floor(this.now() / this.sliceMs);
    if (epoch === this.epoch) return;
    this.epoch = epoch;
    this.slot = ((epoch % this.slots) + this.slots) % this.slots;
  }
}
