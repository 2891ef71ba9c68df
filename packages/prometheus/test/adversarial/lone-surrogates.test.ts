// Issue 14 item 15: label values 'a\uD800' and 'a\uDBFF' became two series written as the same
// UTF-8 bytes ('a\uFFFD'): duplicate series on the wire, rejected by promtool. They now fold into
// one series, counted in rx_telemetry_folded_events_total. This test failed before the fix
// (promtool: duplicate series).
import { counter, Telemetry } from '@rx-telemetry/core';
import { runTool } from '@rx-telemetry/devkit/prometheus';
import { Aggregator } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import { PrometheusReporter } from '../../src/index.js';

describe('adversarial: label values with lone surrogates', () => {
  it('are one series on the wire, counted as folded, and the exposition passes promtool', async () => {
    const telemetry = new Telemetry();
    const aggregator = new Aggregator(telemetry, { metrics: [counter('app.hits.count', { tags: ['k'] })] });
    for (const k of ['a\uD800', 'a\uDBFF', 'b']) telemetry.emit(['app', 'hits'], {}, { k });
    const reporter = new PrometheusReporter(telemetry, { aggregator, defaultLabels: { zone: 'z\uDC00' } });
    const text = reporter.render();
    const wire = Buffer.from(text, 'utf8').toString('utf8');
    expect(wire.split('\n').filter((l) => l.startsWith('app_hits_count_total{'))).to.deep.equal(['app_hits_count_total{zone="z\uFFFD",k="a\uFFFD"} 2', 'app_hits_count_total{zone="z\uFFFD",k="b"} 1']);
    expect(wire).to.contain('rx_telemetry_folded_events_total{zone="z\uFFFD",metric="app_hits_count"} 2\n');
    const r = await runTool('/usr/bin/promtool', ['check', 'metrics'], text);
    expect({ code: r.code, out: r.stdout + r.stderr }).to.deep.equal({ code: 0, out: '' });
    await telemetry.shutdown();
  });
});
