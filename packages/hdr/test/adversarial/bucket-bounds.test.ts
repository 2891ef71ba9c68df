// Issue 14 item 14: with more than 65,535 bounds the bucket lookup table (Uint16) wrapped, and a
// value of 69,899.5 was counted under le=4258. More than MAX_BUCKET_BOUNDS bounds is now a
// TypeError at construction. This test failed before the fix (70,000 bounds were accepted).
import { distribution, Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { Aggregator, MAX_BUCKET_BOUNDS } from '../../src/index.js';

function counts(agg: Aggregator): number[] {
  let out: number[] = [];
  agg.collect({ histogram: (_m, _s, r) => void (out = r.cumulativeCounts([])) });
  return out;
}

describe('adversarial: bucket bounds', () => {
  it(`refuses more than MAX_BUCKET_BOUNDS (${MAX_BUCKET_BOUNDS}) bounds with a TypeError`, () => {
    const buckets = Array.from({ length: 70_000 }, (_, i) => i + 1);
    expect(() => new Aggregator(new Telemetry(), { metrics: [distribution('a.b.v', { reporterOptions: { buckets } })] })).to.throw(TypeError, /70000 bounds; at most 10000/);
    const over = Array.from({ length: MAX_BUCKET_BOUNDS + 1 }, (_, i) => i + 1);
    expect(() => new Aggregator(new Telemetry(), { metrics: [distribution('a.b.v', { reporterOptions: { buckets: over } })] })).to.throw(TypeError, /at most/);
  });

  it('counts exactly into every one of MAX_BUCKET_BOUNDS bounds', async () => {
    const telemetry = new Telemetry();
    const buckets = Array.from({ length: MAX_BUCKET_BOUNDS }, (_, i) => i + 1);
    const agg = new Aggregator(telemetry, { metrics: [distribution('a.b.v', { reporterOptions: { buckets } })] });
    const values = [0.5, 1, 255.5, 256, 4258, 9_899.5, 9_999.99, 10_000, 10_000.5];
    for (const v of values) telemetry.emit(['a', 'b'], { v });
    const c = counts(agg);
    expect(c).to.have.length(MAX_BUCKET_BOUNDS);
    for (const b of [1, 255, 256, 4257, 4258, 9_899, 9_900, 9_999, 10_000]) expect(c[b - 1], `le=${b}`).to.equal(values.filter((v) => v <= b).length);
    await agg.stop();
  });
});
