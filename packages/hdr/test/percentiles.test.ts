import { expect } from 'chai';
import fc from 'fast-check';
import hdr from 'hdr-histogram-js';
import { Layout, MAX_INTERNAL } from '../src/layout.js';
import { PERCENTILES, valuesAtPercentiles } from '../src/percentiles.js';

function chunked(layout: Layout, vs: readonly number[]): (Float64Array | undefined)[] {
  const chunks: (Float64Array | undefined)[] = new Array(layout.chunks).fill(undefined);
  for (const v of vs) {
    const i = layout.index(v);
    (chunks[i >>> layout.halfMag] ??= new Float64Array(layout.half))[i & layout.mask]++;
  }
  return chunks;
}

describe('valuesAtPercentiles', () => {
  for (const digits of [1, 2, 3]) {
    it(`equals hdr-histogram-js getValueAtPercentile for p50..p99.9 in one pass (${digits} digits)`, () => {
      const layout = new Layout(digits);
      fc.assert(
        fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 1e12 })), { minLength: 1, maxLength: 400 }), (vs) => {
          const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: MAX_INTERNAL, numberOfSignificantValueDigits: digits as 1 | 2 | 3, bitBucketSize: 64 });
          for (const v of vs) h.recordValue(v);
          const ours = valuesAtPercentiles(layout, chunked(layout, vs), vs.length, PERCENTILES, []);
          expect(ours).to.deep.equal(PERCENTILES.map((p) => h.getValueAtPercentile(p)));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('returns zeros for an empty histogram', () => {
    const layout = new Layout(2);
    expect(valuesAtPercentiles(layout, chunked(layout, []), 0, PERCENTILES, [])).to.deep.equal([0, 0, 0, 0, 0]);
  });
});
