import type { Layout } from './layout.js';

/** The percentiles a snapshot reports, ascending (the walk relies on the order). */
export const PERCENTILES: readonly number[] = Object.freeze([50, 90, 95, 99, 99.9]);

export type Chunks = readonly (ArrayLike<number> | undefined)[];

// HdrHistogram's own rank rule (JsHistogram.getValueAtPercentile): round the fractional count
// up, but forgive the one-ulp error of the multiplication.
function rank(percentile: number, total: number): number {
  const fp = (Math.min(percentile, 100) / 100) * total;
  if (fp <= 0) return 1;
  return Math.max(Math.ceil(fp - 2 ** (Math.floor(Math.log2(fp)) - 52)), 1);
}

/**
 * Internal values at ascending `percentiles`, in one pass over chunked counts: each is the
 * highest value equivalent to the bucket where the running count reaches the percentile's rank,
 * exactly as hdr-histogram-js's getValueAtPercentile returns it (one scan per quantile there).
 */
export function valuesAtPercentiles(layout: Layout, chunks: Chunks, total: number, percentiles: readonly number[], out: number[]): number[] {
  const n = percentiles.length;
  out.length = n;
  if (total <= 0 || n === 0) {
    out.fill(0);
    return out;
  }
  const half = layout.half;
  let k = 0;
  let cum = 0;
  let need = rank(percentiles[0], total);
  for (let c = 0; c < chunks.length && k < n; c++) {
    const arr = chunks[c];
    if (arr === undefined) continue;
    const base = c * half;
    for (let o = 0; o < half; o++) {
      const count = arr[o];
      if (count === 0) continue;
      cum += count;
      while (k < n && cum >= need) {
        out[k++] = layout.highest(base + o);
        if (k < n) need = rank(percentiles[k], total);
      }
      if (k === n) break;
    }
  }
  // Counts short of the total (cannot happen with consistent data): report the top seen.
  while (k < n) out[k++] = out[k - 2] ?? 0;
  return out;
}
