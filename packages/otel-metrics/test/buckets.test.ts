import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator, type HistogramPart } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import fc from 'fast-check';
import { exponentialHistogram, indexAt, maxScaleFor } from '../src/exponential.js';
import { hdrBuckets } from '../src/hdr-buckets.js';
import { AggregatorMetricProducer } from '../src/index.js';

function withPart<T>(values: readonly number[], digits: number, read: (p: HistogramPart) => T): T {
  const telemetry = new Telemetry();
  const agg = new Aggregator(telemetry, { significantDigits: digits, metrics: [distribution('a.b.v', { reporterOptions: { buckets: [1] } })] });
  for (const v of values) telemetry.emit(['a', 'b'], { v });
  let out: T | undefined;
  agg.collect({ histogram: (_m, _s, r) => void (out = read(r.total)) });
  void agg.stop();
  return out as T;
}

const values = fc.array(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 5000 }), fc.constantFrom(0, 1, 2, 1024, 0.5)), { minLength: 1, maxLength: 400 });

describe('HDR buckets recovered through percentiles()', () => {
  it('answer every rank exactly as the aggregator does, and their counts sum to the count', () => {
    fc.assert(
      fc.property(values, fc.constantFrom(2, 3), fc.array(fc.double({ min: 0.0001, max: 100, noNaN: true }), { minLength: 1, maxLength: 20 }), (vs, digits, ps) => {
        const sorted = [...ps].sort((a, b) => a - b);
        const [b, theirs] = withPart(vs, digits, (p) => [hdrBuckets(p), p.percentiles(sorted, [])] as const);
        expect(b.counts.reduce((x, y) => x + y, 0)).to.equal(vs.length);
        expect(b.counts.every((c) => c > 0)).to.equal(true);
        for (let i = 1; i < b.values.length; i++) expect(b.values[i]).to.be.greaterThan(b.values[i - 1]);
        // The value at each percentile's rank (HdrHistogram's rounding), read off the recovered buckets.
        const ours = sorted.map((p) => {
          const rank = Math.max(1, Math.ceil((p / 100) * vs.length - 1e-9));
          let cum = 0;
          for (let j = 0; j < b.counts.length; j++) if ((cum += b.counts[j]) >= rank) return b.values[j];
          return b.values[b.values.length - 1];
        });
        expect(ours).to.deep.equal(theirs);
      }),
      { numRuns: 150 },
    );
  });

  it('are one bucket per distinct value far enough apart, each reported within HDR precision', () => {
    const b = withPart([3, 3, 3, 7, 7, 100], 2, hdrBuckets);
    expect(b.counts).to.deep.equal([3, 2, 1]);
    b.values.forEach((v, i) => expect(v).to.be.closeTo([3, 7, 100][i], [3, 7, 100][i] / 100));
  });
});

describe('exponential histograms from HDR buckets', () => {
  it('put each value in the bucket (base^i, base^(i+1)] at every scale', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), fc.integer({ min: -10, max: 20 }), (v, scale) => {
        const i = indexAt(v, scale);
        const base = 2 ** (2 ** -scale);
        expect(v).to.be.greaterThan(2 ** (i / 2 ** scale) * (1 - 1e-15));
        expect(v).to.be.at.most(2 ** ((i + 1) / 2 ** scale) * (1 + 1e-15));
        void base;
      }),
      { numRuns: 500 },
    );
    expect(indexAt(1, 0)).to.equal(-1); // powers of two close their bucket
    expect(indexAt(4, 1)).to.equal(3);
  });

  it('stay no finer than HDR (scale 6 at 2 digits, 9 at 3) and within maxBuckets, counts whole', () => {
    expect([maxScaleFor(2), maxScaleFor(3)]).to.deep.equal([6, 9]);
    fc.assert(
      fc.property(values, fc.integer({ min: 2, max: 200 }), (vs, maxBuckets) => {
        const h = withPart(vs, 2, (p) => exponentialHistogram(hdrBuckets(p), p.sum, p.min, p.max, 6, maxBuckets));
        expect(h.positive.bucketCounts.length).to.be.at.most(maxBuckets);
        expect(h.positive.bucketCounts.reduce((a, b) => a + b, 0) + h.zeroCount).to.equal(vs.length);
        expect(h.zeroCount).to.equal(withPart(vs, 2, (p) => (p.min === 0 ? hdrBuckets(p).counts[0] : 0)));
        expect(h.scale).to.be.at.most(6);
      }),
      { numRuns: 100 },
    );
  });
});

describe('AggregatorMetricProducer', () => {
  it('rejects a missing aggregator, service name or unknown exponential metric with a TypeError', () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('a.b.count')] });
    expect(() => new AggregatorMetricProducer({} as Aggregator, { serviceName: 'x' })).to.throw(TypeError, /Aggregator/);
    expect(() => new AggregatorMetricProducer(agg, { serviceName: '' })).to.throw(TypeError, /serviceName/);
    expect(() => new AggregatorMetricProducer(agg, { serviceName: 'x', exponentialHistograms: ['nope'] })).to.throw(TypeError, /"nope"/);
    expect(() => new AggregatorMetricProducer(agg, { serviceName: 'x', maxExponentialBuckets: 1 })).to.throw(TypeError, /maxExponentialBuckets/);
    void agg.stop();
  });

  it('marks the overflow series with otel.metric.overflow and leaves metrics without series out', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { maxSeriesPerMetric: 1, metrics: [counter('a.b.count', { tags: ['k'] }), counter('c.d.count')] });
    for (const k of ['x', 'y', 'z']) telemetry.emit(['a', 'b'], {}, { k });
    const created: number[] = [];
    agg.collect({ value: (_m, s) => void created.push(s.created) });
    const clock = created[1] + 5000;
    const producer = new AggregatorMetricProducer(agg, { serviceName: 'svc', now: () => clock });
    const { resourceMetrics, errors } = await producer.collect();
    const hr = (ms: number): [number, number] => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
    expect(errors).to.deep.equal([]);
    const metrics = resourceMetrics.scopeMetrics[0].metrics;
    expect(metrics.map((m) => m.descriptor.name)).to.deep.equal(['a.b.count']);
    const points = metrics[0].dataPoints.map((p) => [p.attributes, p.value, p.startTime, p.endTime]);
    // Each point starts when its series was created.
    expect(points).to.deep.equal([
      [{ k: 'x' }, 1, hr(created[0]), hr(clock)],
      [{ 'otel.metric.overflow': true }, 2, hr(created[1]), hr(clock)],
    ]);
    expect(typeof producer.resource.attributes['service.instance.id']).to.equal('string');
    void agg.stop();
  });
});
