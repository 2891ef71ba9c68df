/** The largest internal value a histogram tracks; larger values are clamped to it. */
export const MAX_INTERNAL = Number.MAX_SAFE_INTEGER;

const TWO_32 = 4294967296;
const POW2: readonly number[] = Array.from({ length: 64 }, (_, i) => 2 ** i);

/**
 * HdrHistogram's bucket layout (lowestDiscernibleValue 1, unitMagnitude 0) for a number of
 * significant digits: index `i` here is index `i` in an hdr-histogram-js histogram of the same
 * precision, so counts move between the two without re-binning.
 *
 * Counts are kept in chunks of `half` slots (chunk = index >>> halfMag) so that only the powers
 * of two a series actually sees cost memory.
 */
export class Layout {
  // `declare`d: see HistogramStore (index() is on the record path).
  declare readonly digits: number;
  declare readonly halfMag: number;
  declare readonly half: number;
  declare readonly mask: number;
  /** Number of chunks that cover 0..MAX_INTERNAL. */
  declare readonly chunks: number;
  /** One histogram's worth of counts, reused by every read (reads are synchronous). */
  declare readonly scratch: Float64Array;
  /** `scratch` cut into chunks, made once. */
  declare readonly scratchChunks: readonly Float64Array[];
  /** The chunk table a read hands out: a `scratchChunks` entry where counts were summed, else undefined. */
  declare readonly view: (Float64Array | undefined)[];

  constructor(digits: number) {
    this.digits = digits;
    const subBucketCountMagnitude = Math.ceil(Math.log2(2 * 10 ** digits));
    this.halfMag = Math.max(subBucketCountMagnitude, 1) - 1;
    this.half = 2 ** this.halfMag;
    this.mask = this.half - 1;
    this.chunks = (this.index(MAX_INTERNAL) >>> this.halfMag) + 1;
    this.scratch = new Float64Array(this.chunks * this.half);
    this.scratchChunks = Array.from({ length: this.chunks }, (_, c) => this.scratch.subarray(c * this.half, (c + 1) * this.half));
    this.view = new Array<Float64Array | undefined>(this.chunks).fill(undefined);
  }

  /** Counts index of a non-negative integer value (clz32 instead of Math.log2: ~3 ns, not ~50). */
  index(v: number): number {
    if (v < TWO_32) {
      if (v < this.half * 2) return v;
      const b = 31 - Math.clz32(v) - this.halfMag;
      return b * this.half + (v >>> b);
    }
    return this.#wideIndex(v);
  }

  // Values of 2^32 and above (kept out of index() so that it stays small enough to inline).
  #wideIndex(v: number): number {
    const b = 63 - Math.clz32(Math.floor(v / TWO_32)) - this.halfMag;
    return b * this.half + Math.floor(v / POW2[b]);
  }

  /** Smallest value that lands in index `i`. */
  lowest(i: number): number {
    const c = i >>> this.halfMag;
    if (c < 2) return i;
    return ((i & this.mask) + this.half) * POW2[c - 1];
  }

  /** Largest value that lands in index `i` (what HdrHistogram reports for a percentile). */
  highest(i: number): number {
    const c = i >>> this.halfMag;
    if (c < 2) return i;
    return ((i & this.mask) + this.half + 1) * POW2[c - 1] - 1;
  }
}

const layouts = new Map<number, Layout>();

export function layoutFor(digits: number): Layout {
  let l = layouts.get(digits);
  if (l === undefined) layouts.set(digits, (l = new Layout(digits)));
  return l;
}
