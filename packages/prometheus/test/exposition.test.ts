import { counter, distribution, lastValue, sum, summary, Telemetry } from '@rx-telemetry/core';
import { runTool } from '@rx-telemetry/devkit/prometheus';
import { Aggregator } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { defaultBuckets, PrometheusReporter } from '../src/index.js';

const PARSER = fileURLToPath(new URL('../../test/fixtures/parse_openmetrics.py', import.meta.url));
const EVENT = ['http', 'request', 'stop'];

// Label values with everything that needs escaping, plus unicode and astral-plane characters.
const labelValue = fc.oneof(
  fc.string({ unit: fc.constantFrom('\\', '"', '\n', 'a', 'é', '日', '🙂', ' ', '{', '}', ',', '=') }),
  fc.string({ unit: 'grapheme' }),
);

function everything(values: readonly string[]): { reporter: PrometheusReporter; agg: Aggregator } {
  const telemetry = new Telemetry();
  const agg = new Aggregator(telemetry, {
    defaultBuckets,
    metrics: [
      counter('http.request.stop.count', { tags: ['path'], description: 'Requests "served" \\ by path\nsecond line' }),
      sum('http.request.stop.size', { tags: ['path'], unit: 'byte' }),
      sum('http.request.stop.inflight', { measurement: 'size', reporterOptions: { prometheusType: 'gauge' } }),
      lastValue('http.request.stop.queue', { unit: 'kilobyte' }),
      distribution('http.request.stop.duration', { tags: ['path'], unit: { from: 'nanosecond', to: 'second' } }),
      summary('http.request.stop.latency', { measurement: 'duration', tags: ['path'], unit: { from: 'nanosecond', to: 'millisecond' } }),
    ],
  });
  values.forEach((path, i) => telemetry.emit(EVENT, { size: 100 + i, queue: i, duration: 1_000_000 * (i + 1) }, { path }));
  return { reporter: new PrometheusReporter(telemetry, { aggregator: agg, defaultLabels: { service: 'shop "eu"' } }), agg };
}

describe('exposition against real parsers', () => {
  it('promtool check metrics accepts the text output with no lint findings, whatever the label values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(labelValue, { minLength: 1, maxLength: 20 }), async (values) => {
        const { reporter, agg } = everything(values);
        const text = reporter.render('text');
        agg.stop();
        const r = await runTool('/usr/bin/promtool', ['check', 'metrics'], text);
        expect({ code: r.code, out: r.stdout + r.stderr }).to.deep.equal({ code: 0, out: '' });
      }),
      { numRuns: 15 },
    );
  });

  it('promtool check metrics rejects broken text, so the check above can fail', async () => {
    const r = await runTool('/usr/bin/promtool', ['check', 'metrics'], 'foo{a="b} 1\n');
    expect(r.code).to.equal(1);
  });

  it("prometheus_client's OpenMetrics parser reads the output with the same labels and values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(labelValue, { minLength: 1, maxLength: 20 }), async (values) => {
        const { reporter, agg } = everything(values);
        const om = reporter.render('openmetrics');
        agg.stop();
        const r = await runTool('/usr/bin/python3', [PARSER], om);
        expect(r.stderr).to.equal('');
        expect(r.code).to.equal(0);
        const samples = JSON.parse(r.stdout) as { name: string; labels: Record<string, string>; value: number | null }[];
        const counts = samples.filter((s) => s.name === 'http_request_stop_count_total');
        expect(counts.map((s) => s.labels.path).sort()).to.deep.equal([...values].sort());
        expect(counts.every((s) => s.value === 1 && s.labels.service === 'shop "eu"')).to.equal(true);
        const inf = samples.filter((s) => s.name === 'http_request_stop_duration_seconds_bucket' && s.labels.le === '+Inf');
        expect(inf).to.have.length(values.length);
      }),
      { numRuns: 10 },
    );
  });

  it('leaves a sum exposed as a counter that went negative out of OpenMetrics, which forbids it, and keeps the rest parseable', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [sum('app.queue.delta', { tags: ['q'] })] });
    telemetry.emit(['app', 'queue'], { delta: -5 }, { q: 'neg' });
    telemetry.emit(['app', 'queue'], { delta: 3 }, { q: 'pos' });
    const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
    const om = reporter.render('openmetrics');
    const text = reporter.render('text');
    agg.stop();
    const r = await runTool('/usr/bin/python3', [PARSER], om);
    expect(r.stderr).to.equal('');
    const samples = JSON.parse(r.stdout) as { name: string; labels: Record<string, string>; value: number }[];
    expect(samples.filter((x) => x.name === 'app_queue_delta_total').map((x) => [x.labels.q, x.value])).to.deep.equal([['pos', 3]]);
    expect(text).to.contain('app_queue_delta_total{q="neg"} -5\n');
  });

  it('renders a summary whose window emptied with NaN quantiles and all-time _sum/_count, valid in both formats', async () => {
    let clock = 0;
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { now: () => clock, metrics: [summary('job.run.stop.latency', { unit: 'second' })] });
    telemetry.emit(['job', 'run', 'stop'], { latency: 0.25 });
    clock += 10 * 60_000; // two windows later: nothing left in the window
    const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
    const text = reporter.render('text');
    const om = reporter.render('openmetrics');
    agg.stop();
    expect(text).to.contain('job_run_stop_latency_seconds{quantile="0.99"} NaN\n');
    expect(text).to.contain('job_run_stop_latency_seconds_count 1\n');
    const promtool = await runTool('/usr/bin/promtool', ['check', 'metrics'], text);
    expect({ code: promtool.code, out: promtool.stdout + promtool.stderr }).to.deep.equal({ code: 0, out: '' });
    const r = await runTool('/usr/bin/python3', [PARSER], om);
    expect(r.stderr).to.equal('');
    const samples = JSON.parse(r.stdout) as { name: string; labels: Record<string, string>; value: number | null }[];
    expect(samples.filter((x) => x.name === 'job_run_stop_latency_seconds').map((x) => x.value)).to.deep.equal([null, null, null, null, null]);
    expect(samples.find((x) => x.name === 'job_run_stop_latency_seconds_sum')?.value).to.equal(0.25);
  });

  it('the OpenMetrics parser rejects a negative counter, so the check above can fail', async () => {
    const r = await runTool('/usr/bin/python3', [PARSER], '# TYPE a counter\na_total -1\n# EOF\n');
    expect(r.code).to.equal(1);
  });

  it('the OpenMetrics parser rejects output without # EOF, so the check above can fail', async () => {
    const { reporter, agg } = everything(['a']);
    const om = reporter.render('openmetrics').replace('# EOF\n', '');
    agg.stop();
    const r = await runTool('/usr/bin/python3', [PARSER], om);
    expect(r.code).to.equal(1);
  });
});
