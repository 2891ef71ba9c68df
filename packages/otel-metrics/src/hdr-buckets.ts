import type { HistogramPart } from '@rx-telemetry/hdr';

/** A histogram's HDR buckets: each non-empty bucket's value (what HdrHistogram reports for it) and count, ascending. */
export interface HdrBuckets {
  readonly values: number[];
  readonly counts: number[];
}

/**
 * The HDR buckets of a histogram part, recovered exactly through its public `percentiles()`:
 * the value at rank r (1..count) is the reported value of the bucket holding the r-th smallest
 * record, so the ranks where it changes are the bucket edges. They are found by bisection over
 * ranks, one `percentiles()` call per level for every open interval at once: about
 * log2(count) calls of at most (buckets) percentiles each. Counts sum to `part.count` exactly.
 *
 * The percentile asked for rank r is 100 (r - 1/2) / count, in the middle of the rank, so
 * HdrHistogram's rounding of the fractional rank lands on r whatever the float error.
 */
export function hdrBuckets(part: HistogramPart): HdrBuckets {
  const n = part.count;
  if (n === 0) return { values: [], counts: [] };
  const pct = (r: number): number => (100 * (r - 0.5)) / n;
  const out: number[] = [];
  const [first, last] = n === 1 ? [part.percentiles([pct(1)], out)[0], NaN] : part.percentiles([pct(1), pct(n)], out);
  if (n === 1 || first === last) return { values: [first], counts: [n] };
  // Ranks where the value changes (the first rank of each bucket after the first), and the value there.
  const edges: [rank: number, value: number][] = [];
  // Open intervals (lo, hi) with value(lo) !== value(hi), in rank order: [lo, vlo, hi, vhi, …].
  let open: number[] = [1, first, n, last];
  const ps: number[] = [];
  while (open.length !== 0) {
    ps.length = 0;
    for (let i = 0; i < open.length; i += 4) if (open[i + 2] - open[i] > 1) ps.push(pct(Math.floor((open[i] + open[i + 2]) / 2)));
    const mids = ps.length === 0 ? [] : part.percentiles(ps, out);
    const next: number[] = [];
    let k = 0;
    for (let i = 0; i < open.length; i += 4) {
      const lo = open[i];
      const vlo = open[i + 1];
      const hi = open[i + 2];
      const vhi = open[i + 3];
      if (hi - lo === 1) {
        edges.push([hi, vhi]);
        continue;
      }
      const mid = Math.floor((lo + hi) / 2);
      const v = mids[k++];
      if (v !== vlo) next.push(lo, vlo, mid, v);
      if (v !== vhi) next.push(mid, v, hi, vhi);
    }
    open = next;
  }
  edges.sort((a, b) => a[0] - b[0]);
  const values: number[] = [first];
  const counts: number[] = [];
  let start = 1;
  for (const [rank, value] of edges) {
    counts.push(rank - start);
    values.push(value);
    start = rank;
  }
  counts.push(n + 1 - start);
  return { values, counts };
}
