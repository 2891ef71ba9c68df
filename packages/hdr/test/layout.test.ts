import { expect } from 'chai';
import fc from 'fast-check';
import hdr from 'hdr-histogram-js';
import type { JsHistogram } from 'hdr-histogram-js';
import { Layout, MAX_INTERNAL } from '../src/layout.js';

function jsHistogram(digits: number): JsHistogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: MAX_INTERNAL, numberOfSignificantValueDigits: digits as 1 | 2 | 3, bitBucketSize: 64 }) as unknown as JsHistogram;
}

// Above ~2^48 hdr-histogram-js's own Math.log2 rounds up just below a power of two (its
// lowestEquivalentValue disagrees with its countsArrayIndex there); 2^45 ns is ~10 hours.
const values = fc.oneof(fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 2 ** 31 - 300, max: 2 ** 32 + 300 }), fc.integer({ min: 0, max: 2 ** 45 }));

describe('Layout', () => {
  for (const digits of [1, 2, 3]) {
    it(`puts every value in the same counts index as hdr-histogram-js at ${digits} significant digits`, () => {
      const layout = new Layout(digits);
      const h = jsHistogram(digits);
      fc.assert(
        fc.property(values, (v) => {
          expect(layout.index(v)).to.equal(h.countsArrayIndex(v));
        }),
        { numRuns: 2000 },
      );
    });

    it(`gives the same lowest and highest equivalent values as hdr-histogram-js at ${digits} digits`, () => {
      const layout = new Layout(digits);
      const h = jsHistogram(digits);
      fc.assert(
        fc.property(values, (v) => {
          const i = layout.index(v);
          expect(layout.lowest(i)).to.equal(h.lowestEquivalentValue(v));
          expect(layout.highest(i)).to.equal(h.highestEquivalentValue(v));
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('covers values up to 2^53 - 1 in its chunk count', () => {
    const layout = new Layout(2);
    expect(layout.index(MAX_INTERNAL) >>> layout.halfMag).to.equal(layout.chunks - 1);
  });
});
