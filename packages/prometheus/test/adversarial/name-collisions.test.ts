// Issue 14 item 11: sample-name collisions were not detected although the docs promised a
// TypeError — promtool and the OpenMetrics parser then reject the output, and a real Prometheus
// keeps one duplicate and silently loses the other. Every case below constructed without an error
// before the fix (this test failed on each).
import { counter, distribution, lastValue, sum, summary, Telemetry, type MetricDefinition } from '@rx-telemetry/core';
import { runTool } from '@rx-telemetry/devkit/prometheus';
import { Aggregator } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import { defaultBuckets, PrometheusReporter } from '../../src/index.js';

const E = { eventName: ['x'] };

function reporterOf(metrics: MetricDefinition[], prefix?: string): PrometheusReporter {
  const telemetry = new Telemetry();
  const aggregator = new Aggregator(telemetry, { metrics, defaultBuckets });
  return new PrometheusReporter(telemetry, { aggregator, prefix });
}

describe('adversarial: Prometheus name collisions are a TypeError at construction', () => {
  const cases: [string, MetricDefinition[], RegExp, string?][] = [
    ['a distribution x.y beside a lastValue x.y.count', [distribution('x.y', E), lastValue('x.y.count', E)], /x_y_count/],
    ['a distribution x.y beside a lastValue x.y.bucket', [distribution('x.y', E), lastValue('x.y.bucket', E)], /x_y_bucket/],
    ['a distribution x.y beside a counter x.y.sum', [distribution('x.y', E), counter('x.y.sum', E)], /x_y_sum/],
    ['a summary x.y beside a lastValue x.y.sum', [summary('x.y', E), lastValue('x.y.sum', E)], /x_y_sum/],
    ['a summary x.y beside a sum x.y.count exposed as a gauge', [summary('x.y', E), sum('x.y.count', { ...E, reporterOptions: { prometheusType: 'gauge' } })], /x_y_count/],
    ['a counter x.y beside a lastValue x.y.total', [counter('x.y', E), lastValue('x.y.total', E)], /x_y_total/],
    ['a counter x.y beside a counter x.y.total', [counter('x.y', E), counter('x.y.total', E)], /x_y/],
    ['a counter x.y beside a lastValue x.y (OpenMetrics family names)', [counter('x.y', E), lastValue('x_y', { eventName: ['z'] })], /x_y/],
    ['a user metric named like a self-metric', [counter('rx_telemetry.dropped_events', E)], /self-metric rx_telemetry_dropped_events/],
    ['a user gauge named like a self-metric sample', [lastValue('rx_telemetry.overflow_events.total', E)], /rx_telemetry_overflow_events_total/],
    ['a prefixed user metric named like a prefixed self-metric', [counter('rx_telemetry.folded_events', E)], /app_rx_telemetry_folded_events/, 'app'],
    ['a tag that becomes the overflow label', [counter('x.y', { ...E, tags: ['Overflow'] })], /label "overflow"/],
  ];
  for (const [what, metrics, message, prefix] of cases) {
    it(what, () => {
      expect(() => reporterOf(metrics, prefix)).to.throw(TypeError, message);
    });
  }

  it('a default label named like the overflow label', () => {
    const telemetry = new Telemetry();
    const aggregator = new Aggregator(telemetry, { metrics: [counter('x.y', E)] });
    expect(() => new PrometheusReporter(telemetry, { aggregator, defaultLabels: { overflow: 'no' } })).to.throw(TypeError, /reserved label "overflow"/);
  });

  it('promtool rejects the output such a pair would have produced, so the names checked are the ones that collide', async () => {
    const r = await runTool('/usr/bin/promtool', ['check', 'metrics'], '# HELP x_y h\n# TYPE x_y histogram\nx_y_bucket{le="+Inf"} 1\nx_y_sum 1\nx_y_count 1\n# HELP x_y_count h\n# TYPE x_y_count gauge\nx_y_count 3\n');
    expect(r.code).to.equal(1);
  });

  it('metrics whose names only look alike still construct, and their output passes promtool', async () => {
    const reporter = reporterOf([distribution('x.y', E), lastValue('x.y_counts', E), counter('x.yy', E), summary('x.z', E), counter('x.z_total_calls', E)]);
    const r = await runTool('/usr/bin/promtool', ['check', 'metrics'], reporter.render());
    expect({ code: r.code, out: r.stdout + r.stderr }).to.deep.equal({ code: 0, out: '' });
  });
});
