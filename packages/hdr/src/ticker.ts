/**
 * The window's clock, advanced by a timer and on every read, never on the record path (a clock
 * read would cost as much as the whole record). Records between two ticks land in the slice of
 * the last tick: the window is exact to one slice.
 */
export class Ticker {
  epoch = Number.NaN;
  slot = 0;
  readonly sliceMs: number;

  constructor(
    readonly durationMs: number,
    readonly slots: number,
    readonly now: () => number,
  ) {
    this.sliceMs = durationMs / slots;
    this.tick();
  }

  tick(): void {
    const epoch = Math.floor(this.now() / this.sliceMs);
    if (epoch === this.epoch) return;
    this.epoch = epoch;
    this.slot = ((epoch % this.slots) + this.slots) % this.slots;
  }
}
