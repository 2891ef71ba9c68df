// One concept, one file, past ~300 lines on purpose: the store's record path and its readers
// (slice stats, counts, retiring a slice, freeing a series) share one array layout (the head's
// SLICE fields, the chunk table, the counts blocks). Split across files, every offset would be
// exported and the layout described twice; the record path is what issue 11's cardinality budget
// measures.
import { BlockArena } from './block-arena.js';
import type { Layout } from './layout.js';

/** count, sum, min, max of one histogram over one span of time. */
export interface Stats {
  count: number;
  sum: number;
  min: number;
  max: number;
}

// Per slice, in the head: epoch, count, sum, min, max.
const SLICE = 5;

/**
 * Every summary/distribution series of one metric, by series id, in arrays shared across series:
 * a record touches the series' head (its slice's epoch and stats, its Prometheus bucket, one entry
 * of its chunk table) and one byte of a counts block — no per-series object. The chunk table sits
 * in the head's memory (32-bit entries through an Int32Array over the same buffer): one region of
 * memory per series instead of two arrays; paired at 10,000 series hit at random, the store's
 * record took 0.83–0.90x the time.
 *
 * Values are recorded only into the current window slice; when a slice is reused for a new epoch
 * its counts move into the retired counts first. So the all-time histogram is retired + every
 * slice, and the record path touches one counts array, not two. Counts blocks are allocated per
 * chunk (one power of two) on first use, so only the powers of two a series sees cost memory.
 */
export class HistogramStore {
  // `declare`d fields, assigned once in the constructor: a plain declaration would define each
  // as undefined first (ES2022 class fields), and V8 then checks the field's type on every read
  // on the record path (~6 ns per record, measured).
  declare readonly layout: Layout;
  declare readonly slots: number;
  /** Prometheus bucket counts per series: bounds + 1, or 0 without bounds. */
  declare readonly bucketCount: number;
  /** Doubles per series in `head`: slices x (epoch, count, sum, min, max), retired stats, buckets, chunk table. */
  declare readonly stride: number;
  declare readonly retiredAt: number;
  declare readonly bucketsAt: number;
  /** Where a series' chunk table starts in its head, in `table` entries: per chunk, its block id (0: none yet). */
  declare readonly tableAt: number;
  declare readonly chunks: number;
  declare readonly half: number;
  declare readonly halfMag: number;
  declare readonly mask: number;
  declare readonly arena: BlockArena;
  declare head: Float64Array;
  /** `head`'s memory as 32-bit entries (two per double): the chunk tables live there. */
  declare table: Int32Array;
  /** Per series: window counts past 255, key (chunk * slots + slot) * half + bucket, in units. */
  readonly #spills: (Map<number, number> | undefined)[] = [];
  #capacity = 0;
  #live = 0;

  constructor(layout: Layout, slots: number, bucketCount: number) {
    this.layout = layout;
    this.slots = slots;
    this.bucketCount = bucketCount;
    this.retiredAt = slots * SLICE;
    this.bucketsAt = this.retiredAt + 4;
    this.tableAt = 2 * (this.bucketsAt + bucketCount);
    this.stride = this.bucketsAt + bucketCount + Math.ceil(layout.chunks / 2);
    this.chunks = layout.chunks;
    this.half = layout.half;
    this.halfMag = layout.halfMag;
    this.mask = layout.mask;
    this.arena = new BlockArena(layout.half, slots);
    this.head = new Float64Array(0);
    this.table = new Int32Array(0);
  }

  /** Makes series `id` empty (a new series, or a reused id). */
  init(id: number): void {
    if (id >= this.#capacity) this.#grow(id);
    const h = this.head;
    const base = id * this.stride;
    h.fill(0, base, base + this.stride);
    for (let s = 0; s < this.slots; s++) {
      const b = base + s * SLICE;
      h[b] = -1;
      h[b + 3] = Infinity;
      h[b + 4] = -Infinity;
    }
    h[base + this.retiredAt + 2] = Infinity;
    h[base + this.retiredAt + 3] = -Infinity;
    this.#live++;
  }

  /** Releases series `id`'s blocks; the id may be init()-ed again. */
  free(id: number): void {
    const t = 2 * id * this.stride + this.tableAt;
    for (let c = 0; c < this.chunks; c++) {
      const b = this.table[t + c];
      if (b === 0) continue;
      this.arena.free(b);
      this.table[t + c] = 0;
    }
    this.#spills[id] = undefined;
    this.#live--;
  }

  /** Records `v` (metric unit) with counts index `i` and Prometheus bucket `j` (-1: none) into series `id`. */
  record(id: number, v: number, i: number, j: number, slot: number, epoch: number): void {
    const head = this.head;
    const base = id * this.stride;
    const sb = base + slot * SLICE;
    const b = this.table[2 * base + this.tableAt + (i >>> this.halfMag)];
    // The rare cases go through one call up front, so that no call sits between the loads and
    // stores below (after a call V8 re-checks every typed array: ~5 ns).
    if (head[sb] !== epoch || b === 0) {
      this.prepare(id, i, slot, epoch);
      this.record(id, v, i, j, slot, epoch);
      return;
    }
    head[sb + 1]++;
    head[sb + 2] += v;
    if (v < head[sb + 3]) head[sb + 3] = v;
    if (v > head[sb + 4]) head[sb + 4] = v;
    if (j >= 0) head[base + this.bucketsAt + j]++;
    const arena = this.arena;
    // A byte per bucket and slice: at 256 it wraps to 0 (the expression is still 256) and the 256
    // goes to the spill map.
    if (++arena.slices[b >>> arena.shift][(b & arena.pageMask) * arena.blockSize + slot * this.half + (i & this.mask)] === 256) this.spill(id, i, slot, 256);
  }

  /**
   * The record step as source, for the record paths made per metric (record-path.ts): record()'s
   * steps with this store's offsets as number literals, reading `store`, `id`, `v`, `i`, `j`,
   * `slot` and `epoch`. Why: record() is 359 bytes of bytecode, past what V8 inlines after core's
   * dispatch code and the path (920 in all), so every record called it out of line; written out,
   * with constants, the path inlines it (record-path.ts has the measured gain).
   */
  recordSource(): string {
    const a = this.arena;
    const bucket = this.bucketCount === 0 ? '' : `if (j >= 0) h[base + ${this.bucketsAt} + j]++; `;
    return (
      `{ const base = id * ${this.stride}; const sb = base + slot * ${SLICE}; let h = store.head; ` +
      `let b = store.table[2 * base + ${this.tableAt} + (i >>> ${this.halfMag})]; ` +
      'if (h[sb] !== epoch || b === 0) { b = store.prepare(id, i, slot, epoch); h = store.head; } ' +
      'h[sb + 1]++; h[sb + 2] += v; if (v < h[sb + 3]) h[sb + 3] = v; if (v > h[sb + 4]) h[sb + 4] = v; ' +
      bucket +
      `if (++store.arena.slices[b >>> ${a.shift}][(b & ${a.pageMask}) * ${a.blockSize} + slot * ${this.half} + (i & ${this.mask})] === 256) store.spill(id, i, slot, 256); }`
    );
  }

  /** A slice reused for a new epoch, or a chunk the series has no block for yet: readies both; returns the chunk's block. */
  prepare(id: number, i: number, slot: number, epoch: number): number {
    if (this.head[id * this.stride + slot * SLICE] !== epoch) this.retire(id, slot, epoch);
    const t = 2 * id * this.stride + this.tableAt + (i >>> this.halfMag);
    if (this.table[t] === 0) this.table[t] = this.arena.alloc();
    return this.table[t];
  }

  // Window counts past one byte: kept per series, rare (256 records of one bucket in one slice).
  spill(id: number, i: number, slot: number, n: number): void {
    const key = ((i >>> this.halfMag) * this.slots + slot) * this.half + (i & this.mask);
    const m = (this.#spills[id] ??= new Map());
    m.set(key, (m.get(key) ?? 0) + n);
  }

  /** Moves a slice's counts into the retired counts and clears it for `epoch` (the record path's slow part). */
  retire(id: number, slot: number, epoch: number): void {
    const h = this.head;
    const base = id * this.stride;
    const sb = base + slot * SLICE;
    if (h[sb + 1] !== 0) {
      const t = 2 * id * this.stride + this.tableAt;
      for (let c = 0; c < this.chunks; c++) {
        const b = this.table[t + c];
        if (b !== 0) this.arena.retireSlice(b, slot);
      }
      const spills = this.#spills[id];
      if (spills !== undefined) {
        for (const [key, n] of spills) {
          const o = key % this.half;
          const cs = (key - o) / this.half;
          if (cs % this.slots !== slot) continue;
          this.arena.addRetired(this.table[t + (cs - slot) / this.slots], o, n);
          spills.delete(key);
        }
      }
      const r = base + this.retiredAt;
      h[r] += h[sb + 1];
      h[r + 1] += h[sb + 2];
      if (h[sb + 3] < h[r + 2]) h[r + 2] = h[sb + 3];
      if (h[sb + 4] > h[r + 3]) h[r + 3] = h[sb + 4];
    }
    h[sb] = epoch;
    h[sb + 1] = 0;
    h[sb + 2] = 0;
    h[sb + 3] = Infinity;
    h[sb + 4] = -Infinity;
  }

  /** True when slice `s` of series `id` holds records of the window that ends at `epoch`. */
  inWindow(id: number, s: number, epoch: number): boolean {
    const e = this.head[id * this.stride + s * SLICE];
    return e > epoch - this.slots && e <= epoch;
  }

  /** The latest epoch series `id` recorded in (-1: never). */
  lastEpoch(id: number): number {
    let last = -1;
    for (let s = 0; s < this.slots; s++) {
      const b = id * this.stride + s * SLICE;
      if (this.head[b + 1] !== 0 && this.head[b] > last) last = this.head[b];
    }
    return last;
  }

  /**
   * count, sum, min and max of everything since the start (`epoch` undefined) or of the window
   * ending at `epoch`, into `out`; min and max are 0 when empty. Touches no counts.
   */
  statsInto(id: number, epoch: number | undefined, out: Stats): void {
    const h = this.head;
    const base = id * this.stride;
    const total = epoch === undefined;
    const r = base + this.retiredAt;
    let count = total ? h[r] : 0;
    let sum = total ? h[r + 1] : 0;
    let min = total ? h[r + 2] : Infinity;
    let max = total ? h[r + 3] : -Infinity;
    for (let s = 0; s < this.slots; s++) {
      if (!total && !this.inWindow(id, s, epoch)) continue;
      const b = base + s * SLICE;
      if (h[b + 1] === 0) continue;
      count += h[b + 1];
      sum += h[b + 2];
      if (h[b + 3] < min) min = h[b + 3];
      if (h[b + 4] > max) max = h[b + 4];
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
  counts(id: number, epoch: number | undefined): readonly (Float64Array | undefined)[] {
    const layout = this.layout;
    const view = layout.view;
    const total = epoch === undefined;
    const arena = this.arena;
    const half = this.half;
    const t = 2 * id * this.stride + this.tableAt;
    for (let c = 0; c < this.chunks; c++) {
      const b = this.table[t + c];
      if (b === 0) {
        view[c] = undefined;
        continue;
      }
      const out = layout.scratchChunks[c];
      out.fill(0);
      if (total) arena.readRetired(b, out);
      const page = arena.slices[b >>> arena.shift];
      const pb = (b & arena.pageMask) * arena.blockSize;
      for (let s = 0; s < this.slots; s++) {
        if (!total && !this.inWindow(id, s, epoch)) continue;
        for (let o = 0, k = pb + s * half; o < half; o++, k++) out[o] += page[k];
      }
      view[c] = out;
    }
    const spills = this.#spills[id];
    if (spills !== undefined) {
      for (const [key, n] of spills) {
        const o = key % half;
        const cs = (key - o) / half;
        if (!total && !this.inWindow(id, cs % this.slots, epoch)) continue;
        (view[Math.floor(cs / this.slots)] as Float64Array)[o] += n;
      }
    }
    return view;
  }

  /** All-time count per Prometheus bucket of series `id` (not cumulative), `bucketCount` entries. */
  bucketCounts(id: number): Float64Array {
    const from = id * this.stride + this.bucketsAt;
    return this.head.subarray(from, from + this.bucketCount);
  }

  /**
   * Restore path: all-time counts and the window's, the window as one slice of `epoch`; the rest
   * of the all-time counts goes to the retired counts (all time = retired + slices).
   */
  load(id: number, total: readonly (Float64Array | undefined)[], totalStats: Stats, window: readonly (Float64Array | undefined)[], windowStats: Stats, buckets: readonly number[] | undefined, slot: number, epoch: number): void {
    const h = this.head;
    const base = id * this.stride;
    const sb = base + slot * SLICE;
    h[sb] = epoch;
    for (let c = 0; c < total.length; c++) {
      const tc = total[c];
      if (tc === undefined) continue;
      const w = window[c];
      const b = (this.table[2 * id * this.stride + this.tableAt + c] = this.arena.alloc());
      const page = this.arena.slices[b >>> this.arena.shift];
      const pb = (b & this.arena.pageMask) * this.arena.blockSize + slot * this.half;
      for (let o = 0; o < this.half; o++) {
        const n = w?.[o] ?? 0;
        if (tc[o] - n !== 0) this.arena.addRetired(b, o, tc[o] - n);
        const low = n % 256;
        page[pb + o] = low;
        if (n !== low) this.spill(id, c * this.half + o, slot, n - low);
      }
    }
    h[sb + 1] = windowStats.count;
    h[sb + 2] = windowStats.sum;
    h[sb + 3] = windowStats.min;
    h[sb + 4] = windowStats.max;
    const r = base + this.retiredAt;
    h[r] = totalStats.count - windowStats.count;
    h[r + 1] = totalStats.sum - windowStats.sum;
    // The union's min/max are exact either way: retired keeps the all-time extremes.
    h[r + 2] = totalStats.min;
    h[r + 3] = totalStats.max;
    if (buckets !== undefined) for (let j = 0; j < this.bucketCount; j++) h[base + this.bucketsAt + j] = buckets[j] ?? 0;
  }

  /** Bytes held for live series: heads, chunk tables, counts blocks and spills (array slack excluded). */
  bytes(): number {
    let spilled = 0;
    for (const m of this.#spills) if (m !== undefined) spilled += m.size * 32;
    return this.#live * this.stride * 8 + this.arena.bytes() + spilled;
  }

  #grow(id: number): void {
    const capacity = Math.max(8, this.#capacity * 2, id + 1);
    const head = new Float64Array(capacity * this.stride);
    head.set(this.head);
    this.table = new Int32Array(head.buffer);
    this.head = head;
    this.#capacity = capacity;
  }
}
