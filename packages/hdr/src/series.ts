import type { Layout } from './layout.js';

/** A counter, sum or lastValue series. */
export class ValueSeries {
  value = 0;
  constructor(readonly tags: Readonly<Record<string, string>>) {}
}

/** Chunked counts with count/sum/min/max, as read back from a series. */
export interface CountsView {
  readonly chunks: (Float64Array | undefined)[];
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
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

  /** All slices whose epoch is one of the last `slots`, summed (allocates; read path only). */
  windowView(epoch: number): CountsView {
    const live: number[] = [];
    for (let s = 0; s < this.slots; s++) {
      const e = this.slotEpoch[s];
      if (e > epoch - this.slots && e <= epoch) live.push(s);
    }
    return this.#view(live, false);
  }

  /** Everything since the start: retired counts plus every slice (allocates; read path only). */
  totalView(): CountsView {
    return this.#view(Array.from({ length: this.slots }, (_, s) => s), true);
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

  // Sums into the layout's scratch buffer and hands out views of it: reading allocates no
  // counts arrays (a snapshot of 1,000 series would otherwise churn megabytes through malloc).
  // The views are valid until the next view is taken.
  #view(slices: readonly number[], withRetired: boolean): CountsView {
    const half = this.layout.half;
    const scratch = this.layout.scratch;
    let count = withRetired ? this.rCount : 0;
    let sum = withRetired ? this.rSum : 0;
    let min = withRetired ? this.rMin : Infinity;
    let max = withRetired ? this.rMax : -Infinity;
    const st = this.slotStats;
    for (const s of slices) {
      count += st[s * 4];
      sum += st[s * 4 + 1];
      min = Math.min(min, st[s * 4 + 2]);
      max = Math.max(max, st[s * 4 + 3]);
    }
    const chunks = new Array<Float64Array | undefined>(this.window.length).fill(undefined);
    for (let c = 0; c < this.window.length; c++) {
      const w = this.window[c];
      const r = withRetired ? this.retired[c] : undefined;
      if (w === undefined && r === undefined) continue;
      const out = scratch.subarray(c * half, (c + 1) * half);
      if (r === undefined) out.fill(0);
      else out.set(r);
      if (w !== undefined) for (const s of slices) for (let o = 0, k = s * half; o < half; o++, k++) out[o] += w[k];
      chunks[c] = out;
    }
    return { chunks, count, sum, min, max };
  }

  /** Bytes held by counts (typed arrays only; object overhead excluded). */
  countBytes(): number {
    let bytes = this.slotEpoch.byteLength + this.slotStats.byteLength + (this.buckets?.byteLength ?? 0);
    for (const t of this.retired) if (t !== undefined) bytes += t.byteLength;
    for (const w of this.window) if (w !== undefined) bytes += w.byteLength;
    return bytes;
  }
}
