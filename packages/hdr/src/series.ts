import type { Layout } from './layout.js';

/** A counter, sum or lastValue series. */
export class ValueSeries {
  value = 0;
  constructor(readonly tags: Readonly<Record<string, string>>) {}
}

/**
 * A summary or distribution series: all-time counts plus `slots` window slices, each in chunks
 * allocated on first use. Window slice `s` holds the epoch in `slotEpoch[s]`; a slice from an
 * older epoch is cleared when it is reused, so rotation costs nothing on the hot path.
 */
export class HistogramSeries {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  /** All-time counts per chunk (Float64: no overflow before 2^53 events in one bucket). */
  readonly total: (Float64Array | undefined)[];
  /** Window counts per chunk, `slots` slices of `half` each (Uint32: one slice is seconds long). */
  readonly window: (Uint32Array | undefined)[];
  readonly slotEpoch: Float64Array;
  /** Per slice: count, sum, min, max. */
  readonly slotStats: Float64Array;
  /** Exact counts of values <= bound j among those sharing bound j's HDR bucket. */
  readonly below: Float64Array | undefined;

  constructor(
    readonly tags: Readonly<Record<string, string>>,
    readonly layout: Layout,
    readonly slots: number,
    bounds: number,
  ) {
    this.total = new Array<Float64Array | undefined>(layout.chunks).fill(undefined);
    this.window = new Array<Uint32Array | undefined>(layout.chunks).fill(undefined);
    this.slotEpoch = new Float64Array(slots).fill(-1);
    this.slotStats = new Float64Array(slots * 4);
    this.below = bounds === 0 ? undefined : new Float64Array(bounds);
  }

  /** Records `v` (metric unit) whose internal value has counts index `i`. */
  record(v: number, i: number, slot: number, epoch: number): void {
    const layout = this.layout;
    const c = i >>> layout.halfMag;
    const o = i & layout.mask;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    const t = this.total[c] ?? this.#allocTotal(c);
    t[o]++;
    if (this.slotEpoch[slot] !== epoch) this.#resetSlot(slot, epoch);
    const w = this.window[c] ?? this.#allocWindow(c);
    w[slot * layout.half + o]++;
    const st = this.slotStats;
    const b = slot * 4;
    st[b]++;
    st[b + 1] += v;
    if (v < st[b + 2]) st[b + 2] = v;
    if (v > st[b + 3]) st[b + 3] = v;
  }

  #allocTotal(c: number): Float64Array {
    return (this.total[c] = new Float64Array(this.layout.half));
  }

  #allocWindow(c: number): Uint32Array {
    return (this.window[c] = new Uint32Array(this.layout.half * this.slots));
  }

  #resetSlot(slot: number, epoch: number): void {
    const half = this.layout.half;
    for (const w of this.window) if (w !== undefined) w.fill(0, slot * half, (slot + 1) * half);
    const b = slot * 4;
    this.slotStats[b] = 0;
    this.slotStats[b + 1] = 0;
    this.slotStats[b + 2] = Infinity;
    this.slotStats[b + 3] = -Infinity;
    this.slotEpoch[slot] = epoch;
  }

  /**
   * The window's slices that belong to the last `slots` epochs, summed: counts per chunk and
   * count/sum/min/max. Allocates; called when reading, never when recording.
   */
  windowView(epoch: number): { chunks: (Float64Array | undefined)[]; count: number; sum: number; min: number; max: number } {
    const half = this.layout.half;
    const live: number[] = [];
    for (let s = 0; s < this.slots; s++) {
      const e = this.slotEpoch[s];
      if (e > epoch - this.slots && e <= epoch) live.push(s);
    }
    let count = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const s of live) {
      count += this.slotStats[s * 4];
      sum += this.slotStats[s * 4 + 1];
      min = Math.min(min, this.slotStats[s * 4 + 2]);
      max = Math.max(max, this.slotStats[s * 4 + 3]);
    }
    const chunks = this.window.map((w) => {
      if (w === undefined || live.length === 0) return undefined;
      const out = new Float64Array(half);
      for (const s of live) for (let o = 0; o < half; o++) out[o] += w[s * half + o];
      return out;
    });
    return { chunks, count, sum, min, max };
  }

  /** Bytes held by counts (typed arrays only; object overhead excluded). */
  countBytes(): number {
    let bytes = this.slotEpoch.byteLength + this.slotStats.byteLength + (this.below?.byteLength ?? 0);
    for (const t of this.total) if (t !== undefined) bytes += t.byteLength;
    for (const w of this.window) if (w !== undefined) bytes += w.byteLength;
    return bytes;
  }
}
