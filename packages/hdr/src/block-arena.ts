/**
 * Counts blocks shared by every histogram series of one metric. A block holds one chunk (`half`
 * HdrHistogram buckets, one power of two) of one series: its window counts, one byte per bucket
 * per slice (a wrap past 255 is carried in the series' spill map, see HistogramStore), and its
 * all-time counts of retired slices, 16 bits per bucket until one would pass 65,535, when that
 * block alone moves to 64-bit counts (`wide`).
 *
 * Blocks live in fixed pages (no copy when the store grows) and freed blocks are reused first, so
 * a store whose series come and go stays the size of its peak.
 */
export class BlockArena {
  // `declare`d: see HistogramStore (no undefined-first field on the record path).
  declare readonly half: number;
  declare readonly slots: number;
  /** Window bytes per block: `half` buckets x `slots` slices. */
  declare readonly blockSize: number;
  /** log2 of blocks per page. */
  declare readonly shift: number;
  declare readonly pageMask: number;
  /** Window counts, `1 << shift` blocks per page. */
  readonly slices: Uint8Array[] = [];
  /** All-time counts of retired slices, `half` per block, parallel to `slices`. */
  readonly retired: Uint16Array[] = [];
  /** Blocks whose retired counts outgrew 16 bits: their counts, here instead of `retired`. */
  readonly wide = new Map<number, Float64Array>();
  readonly #free: number[] = [];
  // Block 0 is never handed out: a chunk table entry of 0 means "no block".
  #next = 1;

  constructor(half: number, slots: number) {
    this.half = half;
    this.slots = slots;
    this.blockSize = half * slots;
    // ~64 KB of window counts per page (at least one block).
    this.shift = Math.max(0, Math.floor(Math.log2(65_536 / this.blockSize)));
    this.pageMask = (1 << this.shift) - 1;
  }

  /** Blocks in use. */
  get used(): number {
    return this.#next - 1 - this.#free.length;
  }

  /** A zeroed block's id (never 0). */
  alloc(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    const b = this.#next++;
    if (b >>> this.shift === this.slices.length) {
      this.slices.push(new Uint8Array(this.blockSize << this.shift));
      this.retired.push(new Uint16Array(this.half << this.shift));
    }
    return b;
  }

  /** Zeroes block `b` and keeps it for the next alloc(). */
  free(b: number): void {
    const page = b >>> this.shift;
    const o = b & this.pageMask;
    this.slices[page].fill(0, o * this.blockSize, (o + 1) * this.blockSize);
    this.retired[page].fill(0, o * this.half, (o + 1) * this.half);
    this.wide.delete(b);
    this.#free.push(b);
  }

  /** Adds `n` to retired bucket `o` of block `b`, moving the block to 64-bit counts past 65,535. */
  addRetired(b: number, o: number, n: number): void {
    const wide = this.wide.get(b);
    if (wide !== undefined) {
      wide[o] += n;
      return;
    }
    const r = this.retired[b >>> this.shift];
    const k = (b & this.pageMask) * this.half + o;
    const t = r[k] + n;
    if (t <= 0xffff) {
      r[k] = t;
      return;
    }
    const w = new Float64Array(this.half);
    const base = (b & this.pageMask) * this.half;
    for (let j = 0; j < this.half; j++) w[j] = r[base + j];
    r.fill(0, base, base + this.half);
    w[o] += n;
    this.wide.set(b, w);
  }

  /** Moves slice `slot` of block `b` into its retired counts and zeroes it. */
  retireSlice(b: number, slot: number): void {
    const page = this.slices[b >>> this.shift];
    const base = (b & this.pageMask) * this.blockSize + slot * this.half;
    const r = this.retired[b >>> this.shift];
    const rb = (b & this.pageMask) * this.half;
    let wide = this.wide.has(b);
    for (let o = 0; o < this.half; o++) {
      const n = page[base + o];
      if (n === 0) continue;
      page[base + o] = 0;
      const t = r[rb + o] + n;
      if (!wide && t <= 0xffff) r[rb + o] = t;
      else {
        this.addRetired(b, o, n);
        wide = true;
      }
    }
  }

  /** Adds the retired counts of block `b` into `out` (`half` entries). */
  readRetired(b: number, out: Float64Array): void {
    const wide = this.wide.get(b);
    if (wide !== undefined) {
      for (let o = 0; o < this.half; o++) out[o] += wide[o];
      return;
    }
    const r = this.retired[b >>> this.shift];
    const base = (b & this.pageMask) * this.half;
    for (let o = 0; o < this.half; o++) out[o] += r[base + o];
  }

  /** Bytes of the blocks in use (window + retired + wide), page slack excluded. */
  bytes(): number {
    return this.used * (this.blockSize + 2 * this.half) + this.wide.size * 8 * this.half;
  }
}
