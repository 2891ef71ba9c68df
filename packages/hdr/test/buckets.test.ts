import { distribution, Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import fc from 'fast-check';
import { Aggregator, defaultBuckets } from '../src/index.js';
import { HistogramSeries } from '../src/series.js';

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
          const st = agg._states()[0];
          const s = st.all[0] as HistogramSeries | undefined;
          const counts = s === undefined ? buckets.map(() => 0) : st.bucketCounts(s, []);
          expect(counts).to.deep.equal(buckets.map((b) => values.filter((v) => v <= b).length));
          agg.stop();
        },
      ),
      { numRuns: 200 },
    );
  });

  it("default to Prometheus' latency buckets converted into the metric's unit", () => {
    expect(defaultBuckets('second')).to.deep.equal([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
    expect(defaultBuckets('millisecond')).to.deep.equal([5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]);
    expect(defaultBuckets('kilobyte')[0]).to.equal(0.1);
  });
});
