import { distribution, Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import fc from 'fast-check';
import { Aggregator } from '../src/index.js';

function cumulative(agg: Aggregator): number[] | undefined {
  let out: number[] | undefined;
  agg.collect({ histogram: (_m, _s, r) => void (out = r.cumulativeCounts([])) });
  return out;
}

describe('distribution bucket counts', () => {
  it('are exact cumulative counts for any values and bounds, even inside one HDR bucket', () => {
    const bound = fc.double({ min: 0, max: 50, noNaN: true });
    fc.assert(
      fc.property(
        fc.uniqueArray(bound, { minLength: 1, maxLength: 12 }).map((b) => [...b].sort((x, y) => x - y)),
        fc.array(fc.oneof(bound, fc.constantFrom(1, 2.5, 5, 10)), { maxLength: 200 }),
        (buckets, values) => {
          const t = new Telemetry();
          const agg = new Aggregator(t, { metrics: [distribution('a.b.v', { reporterOptions: { buckets } })] });
          for (const v of values) t.emit(['a', 'b'], { v });
          const counts = cumulative(agg) ?? buckets.map(() => 0);
          expect(counts).to.deep.equal(buckets.map((b) => values.filter((v) => v <= b).length));
          void agg.stop();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('come from options.defaultBuckets for a distribution without reporterOptions.buckets', () => {
    const t = new Telemetry();
    const agg = new Aggregator(t, {
      defaultBuckets: (unit) => (unit === 'millisecond' ? [1, 10] : undefined),
      metrics: [distribution('a.b.v', { unit: 'millisecond' }), distribution('a.b.w'), distribution('a.b.x', { reporterOptions: { buckets: [5] } })],
    });
    t.emit(['a', 'b'], { v: 3, w: 3, x: 3 });
    const bounds: (readonly number[] | undefined)[] = [];
    agg.collect({ metric: (m) => void bounds.push(m.buckets) });
    expect(bounds).to.deep.equal([[1, 10], undefined, [5]]);
    void agg.stop();
  });

  it('are kept for no distribution without bounds (and for no other metric type)', () => {
    const t = new Telemetry();
    const agg = new Aggregator(t, { metrics: [distribution('a.b.v')] });
    t.emit(['a', 'b'], { v: 3 });
    expect(cumulative(agg)).to.deep.equal([]);
    void agg.stop();
  });
});
