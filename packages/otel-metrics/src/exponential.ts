import type { ExponentialHistogram } from '@opentelemetry/sdk-metrics';
import type { HdrBuckets } from './hdr-buckets.js';

/** OpenTelemetry's largest scale (its SDK's default maximum). */
const MAX_SCALE = 20;

/**
 * The finest scale whose buckets are no narrower than HdrHistogram's at `significantDigits`:
 * HDR's widest bucket, relative to its value, is 1/half (half = 128 sub-buckets at 2 digits),
 * and a scale's buckets are 2^(2^-scale) - 1 wide. 2 digits: 6; 3 digits: 9.
 */
export function maxScaleFor(significantDigits: number): number {
  const half = 2 ** (Math.max(Math.ceil(Math.log2(2 * 10 ** significantDigits)), 1) - 1);
  return Math.min(MAX_SCALE, Math.floor(Math.log2(1 / Math.log2(1 + 1 / half))));
}

/** The bucket index of v > 0 at `scale`: bucket i holds (base^i, base^(i+1)], base = 2^(2^-scale). */
export function indexAt(v: number, scale: number): number {
  const f = 2 ** scale;
  let i = Math.ceil(Math.log2(v) * f) - 1;
  // log2 of a float is off by an ulp at times: check the edges the index claims.
  if (v <= 2 ** (i / f)) i--;
  else if (v > 2 ** ((i + 1) / f)) i++;
  return i;
}

/**
 * An exponential histogram from HDR buckets: each HDR bucket's count goes whole into the
 * exponential bucket holding its value (zeros into zeroCount), at the finest scale up to
 * `maxScale` whose index range fits `maxBuckets`. Counts, sum, min and max are exact.
 */
export function exponentialHistogram(b: HdrBuckets, sum: number, min: number, max: number, maxScale: number, maxBuckets: number): ExponentialHistogram {
  let count = 0;
  let zeroCount = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < b.values.length; j++) {
    count += b.counts[j];
    const v = b.values[j];
    if (v <= 0) zeroCount += b.counts[j];
    else {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  let scale = maxScale;
  if (lo === Infinity) return { count, sum, min, max, scale, zeroCount, positive: { offset: 0, bucketCounts: [] }, negative: { offset: 0, bucketCounts: [] } };
  // Halving the scale merges buckets pairwise (index floor(i / 2)), so the range is found on the ends.
  let first = indexAt(lo, scale);
  let last = indexAt(hi, scale);
  while (last - first + 1 > maxBuckets) {
    scale--;
    first = Math.floor(first / 2);
    last = Math.floor(last / 2);
  }
  const bucketCounts = new Array<number>(last - first + 1).fill(0);
  for (let j = 0; j < b.values.length; j++) {
    const v = b.values[j];
    if (v > 0) bucketCounts[Math.floor(indexAt(v, maxScale) / 2 ** (maxScale - scale)) - first] += b.counts[j];
  }
  return { count, sum, min, max, scale, zeroCount, positive: { offset: first, bucketCounts }, negative: { offset: 0, bucketCounts: [] } };
}
