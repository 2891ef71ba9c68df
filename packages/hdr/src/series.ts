import type { Layout } from './layout.js';

/** A counter, sum or lastValue series. */
export class ValueSeries {
  value = 0;
  constructor(readonly tags: Readonly<Record<string, string>>) {}
}

/**
 * A summary or distribution series. Values are recorded only into the current window slice;
 * when a slice is reused for a new epoch its counts move into `retired` first. So the all-time
 * histogram is retired + every slice, and the record path touches one counts array, not two.
 * Counts live in chunks of `half` slots allocated on first use.
 */
export class HistogramSeries {
  /** Slice counts per chunk: `slots` slices of `half` each (Uint32: a slice lasts seconds). */
  readonly window: (Uint32Array | undefined)[];
  readonly slotEpoch: Float64Array;
  /** Per slice: count, sum, min, max. */
  readonly slotStats: Float64Array;
  /** Counts of slices that have been reused (Float64: no overflow before 2^53). */
  readonly retired: (Float64Array | undefined)[];
  rCount = 0;
  rSum = 0;
  rMin = Infinity;
  rMax = -Infinity;
  /** All-time counts per Prometheus bucket (not cumulative; the last is above every bound). */
  readonly buckets: Float64Array | undefined;

  constructor(
    readonly tags: Readonly<Record<string, string>>,
    readonly layout: Layout,
    readonly slots: number,
    bounds: number,
  ) {
    this.window = new Array<Uint32Array | undefined>(layout.chunks).fill(undefined);
    this.retired = new Array<Float64Array | undefined>(layout.chunks).fill(undefined);
    this.slotEpoch = new Float64Array(slots).fill(-1);
    this.slotStats = new Float64Array(slots * 4);
    for (let s = 0; s < slots; s++) {
      this.slotStats[s * 4 + 2] = Infinity;
      this.slotStats[s * 4 + 3] = -Infinity;
    }
    this.buckets = bounds === 0 ? undefined : new Float64Array(bounds + 1);
  }

  /** Records `v` (metric unit) whose internal value has counts index `i`. */
  record(v: number, i: number, slot: number, epoch: number): void {
    const layout = this.layout;
    if (this.slotEpoch[slot] !== epoch) this.#retire(slot, epoch);
    const c = i >>> layout.halfMag;
    const w = this.window[c] ?? this.#allocWindow(c);
    w[slot * layout.half + (i & layout.mask)]++;
    const st = this.slotStats;
    const b = slot * 4;
    st[b]++;
    st[b + 1] += v;
    if (v < st[b + 2]) st[b + 2] = v;
    if (v > st[b + 3]) st[b + 3] = v;
  }

  #allocWindow(c: number): Uint32Array {
    return (this.window[c] = new Uint32Array(this.layout.half * this.slots));
  }

  // Moves a slice's counts into `retired` and clears it for `epoch`.
  #retire(slot: number, epoch: number): void {
    const half = this.layout.half;
    const b = slot * 4;
    const st = this.slotStats;
    if (st[b] !== 0) {
      for (let c = 0; c < this.window.length; c++) {
        const w = this.window[c];
        if (w === undefined) continue;
        let r = this.retired[c];
        for (let o = 0, k = slot * half; o < half; o++, k++) {
          const n = w[k];
          if (n === 0) continue;
          (r ??= this.retired[c] = new Float64Array(half))[o] += n;
          w[k] = 0;
        }
      }
      this.rCount += st[b];
      this.rSum += st[b + 1];
      if (st[b + 2] < this.rMin) this.rMin = st[b + 2];
      if (st[b + 3] > this.rMax) this.rMax = st[b + 3];
    }
    st[b] = 0;
    st[b + 1] = 0;
    st[b + 2] = Infinity;
    st[b + 3] = -Infinity;
    this.slotEpoch[slot] = epoch;
  }

  /**
   * Restore path: all-time counts and the window's, the window as one slice of `epoch`; the rest
   * of the all-time counts goes to `retired` (all time = retired + slices).
   */
  load(
    total: readonly (Float64Array | undefined)[],
    totalStats: { count: number; sum: number; min: number; max: number },
    window: readonly (Float64Array | undefined)[],
    windowStats: { count: number; sum: number; min: number; max: number },
    buckets: readonly number[] | undefined,
    slot: number,
    epoch: number,
  ): void {
    const half = this.layout.half;
    this.slotEpoch[slot] = epoch;
    for (let c = 0; c < total.length; c++) {
      const t = total[c];
      if (t === undefined) continue;
      const w = window[c];
      const r = (this.retired[c] = new Float64Array(half));
      for (let o = 0; o < half; o++) r[o] = t[o] - (w?.[o] ?? 0);
      if (w !== undefined) {
        const slice = (this.window[c] ??= new Uint32Array(half * this.slots));
        for (let o = 0; o < half; o++) slice[slot * half + o] = w[o];
      }
    }
    const b = slot * 4;
    this.slotStats[b] = windowStats.count;
    this.slotStats[b + 1] = windowStats.sum;
    this.slotStats[b + 2] = windowStats.min;
    this.slotStats[b + 3] = windowStats.max;
    this.rCount = totalStats.count - windowStats.count;
    this.rSum = totalStats.sum - windowStats.sum;
    // The union's min/max are exact either way: retired keeps the all-time extremes.
    this.rMin = totalStats.min;
    this.rMax = totalStats.max;
    if (this.buckets !== undefined && buckets !== undefined) this.buckets.set(buckets.slice(0, this.buckets.length));
  }

  /** True when slice `s` holds records of the window that ends at `epoch`. */
  inWindow(s: number, epoch: number): boolean {
    const e = this.slotEpoch[s];
    return e > epoch - this.slots && e <= epoch;
  }

  /**
   * count, sum, min and max of everything since the start (`epoch` undefined) or of the window
   * ending at `epoch`, into `out`; min and max are 0 when empty. Touches no counts array.
   */
  statsInto(epoch: number | undefined, out: { count: number; sum: number; min: number; max: number }): void {
    const total = epoch === undefined;
    let count = total ? this.rCount : 0;
    let sum = total ? this.rSum : 0;
    let min = total ? this.rMin : Infinity;
    let max = total ? this.rMax : -Infinity;
    const st = this.slotStats;
    for (let s = 0; s < this.slots; s++) {
      if (!total && !this.inWindow(s, epoch)) continue;
      const b = s * 4;
      if (st[b] === 0) continue;
      count += st[b];
      sum += st[b + 1];
      if (st[b + 2] < min) min = st[b + 2];
      if (st[b + 3] > max) max = st[b + 3];
    }
    out.count = count;
    out.sum = sum;
    out.min = count === 0 ? 0 : min;
    out.max = count === 0 ? 0 : max;
  }

  /**
   * Counts since the start (`epoch` undefined) or of the window ending at `epoch`, summed into
   * the layout's scratch buffer: the chunk table returned is the layout's own and stays valid
   * until the next call for any series of that layout. Allocates nothing and writes nothing here.
   */
  counts(epoch: number | undefined): readonly (Float64Array | undefined)[] {
    const layout = this.layout;
    const half = layout.half;
    const view = layout.view;
    const total = epoch === undefined;
    for (let c = 0; c < this.window.length; c++) {
      const w = this.window[c];
      const r = total ? this.retired[c] : undefined;
      if (w === undefined && r === undefined) {
        view[c] = undefined;
        continue;
      }
      const out = layout.scratchChunks[c];
      if (r === undefined) out.fill(0);
      else out.set(r);
      if (w !== undefined) {
        for (let s = 0; s < this.slots; s++) {
          if (!total && !this.inWindow(s, epoch)) continue;
          for (let o = 0, k = s * half; o < half; o++, k++) out[o] += w[k];
        }
      }
      view[c] = out;
    }
    return view;
  }

  get count(): number {
    let n = this.rCount;
    for (let s = 0; s < this.slots; s++) n += this.slotStats[s * 4];
    return n;
  }

  get sum(): number {
    let n = this.rSum;
    for (let s = 0; s < this.slots; s++) n += this.slotStats[s * 4 + 1];
    return n;
  }

  /** Bytes held by counts (typed arrays only; object overhead excluded). */
  countBytes(): number {
    let bytes = this.slotEpoch.byteLength + this.slotStats.byteLength + (this.buckets?.byteLength ?? 0);
    for (const t of this.retired) if (t !== undefined) bytes += t.byteLength;
    for (const w of this.window) if (w !== undefined) bytes += w.byteLength;
    return bytes;
  }
}
