// Issue 14 item 15: tag values with lone UTF-16 surrogates ('a\uD800', 'a\uDBFF') became distinct
// series that every exporter writes as the same UTF-8 bytes (a duplicate series on the wire).
// They now fold, on purpose and counted, into the series of the value with U+FFFD in place of
// each lone surrogate. This test failed before the fix (two series, nothing counted).
import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { Aggregator } from '../../src/index.js';

describe('adversarial: tag values with lone surrogates', () => {
  it('fold into one well-formed series, counted in foldedEvents', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('a.b.count', { tags: ['k'] }), distribution('a.b.v', { tags: ['k'] })] });
    for (const k of ['a\uD800', 'a\uDBFF', 'a\uDC00', 'a\uFFFD', 'ok\uD83D\uDE42']) telemetry.emit(['a', 'b'], { v: 1 }, { k });
    const snap = agg.snapshot();
    const [count, dist] = snap.metrics;
    expect(count.series.map((s) => [s.tags.k, s.value])).to.deep.equal([
      ['a\uFFFD', 4],
      ['ok\uD83D\uDE42', 1],
    ]);
    expect(dist.series.map((s) => s.total!.count)).to.deep.equal([4, 1]);
    expect([count.foldedEvents, dist.foldedEvents, snap.foldedEvents]).to.deep.equal([3, 3, 6]);
    // Encodings carry the count across processes.
    expect(Aggregator.merge(agg.encode(), agg.encode()).foldedEvents).to.equal(12);
    await agg.stop();
  });
});
