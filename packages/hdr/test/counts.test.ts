import { distribution, summary, Telemetry } from '@rx-telemetry/core';
import FakeTimers, { type Clock } from '@sinonjs/fake-timers';
import { expect } from 'chai';
import fc from 'fast-check';
import hdr from 'hdr-histogram-js';
import { Aggregator } from '../src/index.js';

const EVENT = ['a', 'b'];

// The store keeps a byte per bucket per slice (past 255 the rest is carried apart) and 16 bits of
// all-time counts per bucket (past 65,535 the chunk moves to 64-bit counts): these tests drive
// counts across both limits and compare with one hdr-histogram-js histogram of every value.
describe('histogram counts past their compact widths', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = FakeTimers.install({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  });
  afterEach(() => clock.uninstall());

  function aggregator(t: Telemetry): Aggregator {
    return new Aggregator(t, { now: () => clock.now, window: { durationMs: 3_000, slices: 3 }, metrics: [distribution('a.b.v', { reporterOptions: { buckets: [0.001, 0.01] } })] });
  }

  it('counts more than 255 records of one bucket in one slice exactly (window, total and buckets)', async () => {
    const t = new Telemetry();
    const agg = aggregator(t);
    for (let k = 0; k < 1000; k++) t.emit(EVENT, { v: 0.005 }); // millionths: 5000
    for (let k = 0; k < 10; k++) t.emit(EVENT, { v: 0.02 });
    const h = hdr.build({ numberOfSignificantValueDigits: 2, bitBucketSize: 64 });
    h.recordValueWithCount(5000, 1000);
    h.recordValueWithCount(20000, 10);
    let got: number[] = [];
    agg.collect({ histogram: (_m, _s, r) => void (got = [r.window.count, ...r.window.percentiles([50, 99.5], []), r.total.count, ...r.total.percentiles([50, 99.5], []), ...r.cumulativeCounts([])]) });
    const p = [h.getValueAtPercentile(50) / 1e6, Math.min(0.02, h.getValueAtPercentile(99.5) / 1e6)];
    expect(got).to.deep.equal([1010, ...p, 1010, ...p, 0, 1000]);
    await agg.stop();
  });

  it('keeps more than 65,535 all-time records of one bucket exactly once their slices retire', async () => {
    const t = new Telemetry();
    const agg = aggregator(t);
    const h = hdr.build({ numberOfSignificantValueDigits: 2, bitBucketSize: 64 });
    for (let slice = 0; slice < 4; slice++) {
      for (let k = 0; k < 30_000; k++) t.emit(EVENT, { v: 0.005 });
      h.recordValueWithCount(5000, 30_000);
      t.emit(EVENT, { v: 1 });
      h.recordValue(1e6);
      clock.tick(1_000);
    }
    clock.tick(3_000); // every slice retired by the next record's rotation
    t.emit(EVENT, { v: 1 });
    h.recordValue(1e6);
    const total = agg.snapshot().metrics[0].series[0].total!;
    expect([total.count, total.p50, total.p99, total.p999]).to.deep.equal([120_005, h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6]);
    // The encoding carries the same counts.
    const merged = Aggregator.merge(agg.encode()).metrics[0].series[0].total!;
    expect(merged).to.deep.equal(total);
    await agg.stop();
  });

  it('equals one hdr-histogram-js histogram of every value, with heavy repeats across rotations (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 700 }), fc.integer({ min: 0, max: 2_500 })), { minLength: 1, maxLength: 40 }), (steps) => {
        const t = new Telemetry();
        const a = new Aggregator(t, { now: () => clock.now, window: { durationMs: 3_000, slices: 3 }, metrics: [summary('a.b.v')] });
        const h = hdr.build({ numberOfSignificantValueDigits: 2, bitBucketSize: 64 });
        let max = 0;
        for (const [x, repeat, dt] of steps) {
          clock.tick(dt);
          const v = x * x * 997; // a few buckets across several powers of two
          for (let k = 0; k < repeat; k++) t.emit(EVENT, { v: v / 1e6 });
          h.recordValueWithCount(v, repeat);
          max = Math.max(max, v);
        }
        const total = a.snapshot().metrics[0].series[0].total!;
        const restored = Aggregator.restore(a.encode()).snapshot().metrics[0].series[0].total!;
        void a.stop();
        const expected = [50, 90, 99, 99.9].map((p) => Math.min(max / 1e6, h.getValueAtPercentile(p) / 1e6));
        expect([total.count, total.p50, total.p90, total.p99, total.p999]).to.deep.equal([h.totalCount, ...expected]);
        expect({ ...restored, sum: 0, mean: 0 }).to.deep.equal({ ...total, sum: 0, mean: 0 });
        expect(restored.sum).to.be.closeTo(total.sum, 1e-9 * total.sum);
      }),
      { numRuns: 60 },
    );
  });
});
