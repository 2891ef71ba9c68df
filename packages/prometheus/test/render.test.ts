import { counter, distribution, lastValue, sum, summary, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import { defaultBuckets, PrometheusReporter } from '../src/index.js';

const EVENT = ['http', 'request', 'stop'];

function lines(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}

describe('PrometheusReporter.render', () => {
  let telemetry: Telemetry;
  let agg: Aggregator;
  afterEach(() => agg.stop());

  it('renders a counter as name_total with its tags as labels', () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count', { tags: ['route'] })] });
    telemetry.emit(EVENT, {}, { route: '/a' });
    telemetry.emit(EVENT, {}, { route: '/a' });
    const text = new PrometheusReporter(telemetry, { aggregator: agg }).render();
    expect(text).to.contain('# TYPE http_request_stop_count_total counter\n');
    expect(lines(text, 'http_request_stop_count_total{')).to.deep.equal(['http_request_stop_count_total{route="/a"} 2']);
  });

  it('converts sums to base units with a _bytes suffix, and renders a sum as a gauge on request', () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, {
      metrics: [
        sum('http.request.stop.size', { unit: 'kilobyte' }),
        sum('http.request.stop.inflight', { measurement: 'delta', reporterOptions: { prometheusType: 'gauge' } }),
      ],
    });
    telemetry.emit(EVENT, { size: 1.5, delta: 1 });
    telemetry.emit(EVENT, { size: 2, delta: -1 });
    telemetry.emit(EVENT, { size: 0.5, delta: 1 });
    const text = new PrometheusReporter(telemetry, { aggregator: agg }).render();
    expect(lines(text, 'http_request_stop_size_bytes_total')).to.deep.equal(['http_request_stop_size_bytes_total 4000']);
    expect(text).to.contain('# TYPE http_request_stop_inflight gauge\n');
    expect(lines(text, 'http_request_stop_inflight ')).to.deep.equal(['http_request_stop_inflight 1']);
  });

  it('renders lastValue as a gauge in base units and snake_case', () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, { metrics: [lastValue('vm.memory.heapUsed', { unit: 'megabyte' })] });
    telemetry.emit(['vm', 'memory'], { heapUsed: 12.5 });
    const text = new PrometheusReporter(telemetry, { aggregator: agg }).render();
    expect(text).to.contain('# TYPE vm_memory_heap_used_bytes gauge\n');
    expect(lines(text, 'vm_memory_heap_used_bytes ')).to.deep.equal(['vm_memory_heap_used_bytes 12500000']);
  });

  it('converts to base units by exact division (9 ms is 0.009 s, not 0.009000000000000001)', () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, { metrics: [lastValue('job.run.stop.duration', { unit: 'millisecond' })] });
    telemetry.emit(['job', 'run', 'stop'], { duration: 9 });
    const text = new PrometheusReporter(telemetry, { aggregator: agg }).render();
    expect(lines(text, 'job_run_stop_duration_seconds ')).to.deep.equal(['job_run_stop_duration_seconds 0.009']);
  });

  it('renders a distribution as a histogram with exact cumulative buckets in seconds', () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, {
      metrics: [distribution('http.request.stop.duration', { unit: 'millisecond', reporterOptions: { buckets: [10, 100, 1000] } })],
    });
    const values = [3, 10, 10.2, 99.99, 100, 150, 5000];
    for (const duration of values) telemetry.emit(EVENT, { duration });
    const text = new PrometheusReporter(telemetry, { aggregator: agg }).render();
    expect(text).to.contain('# TYPE http_request_stop_duration_seconds histogram\n');
    expect(lines(text, 'http_request_stop_duration_seconds_bucket')).to.deep.equal([
      'http_request_stop_duration_seconds_bucket{le="0.01"} 2',
      'http_request_stop_duration_seconds_bucket{le="0.1"} 5',
      'http_request_stop_duration_seconds_bucket{le="1"} 6',
      'http_request_stop_duration_seconds_bucket{le="+Inf"} 7',
    ]);
    const total = values.reduce((a, b) => a + b, 0) / 1000;
    const sumLine = lines(text, 'http_request_stop_duration_seconds_sum')[0];
    expect(Number(sumLine.split(' ')[1])).to.be.closeTo(total, 1e-12);
    expect(lines(text, 'http_request_stop_duration_seconds_count')).to.deep.equal(['http_request_stop_duration_seconds_count 7']);
  });

  it('renders a summary with window quantiles and all-time _sum/_count', () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, { metrics: [summary('http.request.stop.duration', { unit: 'second', tags: ['route'] })] });
    for (let i = 1; i <= 100; i++) telemetry.emit(EVENT, { duration: i / 100 }, { route: '/a' });
    const text = new PrometheusReporter(telemetry, { aggregator: agg }).render();
    const w = agg.snapshot().metrics[0].series[0].window!;
    const q = lines(text, 'http_request_stop_duration_seconds{');
    expect(q.map((l) => l.replace(/ .*$/, ''))).to.deep.equal(
      ['0.5', '0.9', '0.95', '0.99', '0.999'].map((x) => `http_request_stop_duration_seconds{route="/a",quantile="${x}"}`),
    );
    expect(q.map((l) => Number(l.split(' ')[1]))).to.deep.equal([w.p50, w.p90, w.p95, w.p99, w.p999]);
    expect(lines(text, 'http_request_stop_duration_seconds_count')).to.deep.equal(['http_request_stop_duration_seconds_count{route="/a"} 100']);
  });

  it('applies the prefix and default labels, and a tag of the same name wins', () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count', { tags: ['service'] })] });
    telemetry.emit(EVENT, {}, { service: 'api' });
    const text = new PrometheusReporter(telemetry, { aggregator: agg, prefix: 'shop', defaultLabels: { service: 'default', zone: 'eu-1' } }).render();
    expect(lines(text, 'shop_http_request_stop_count_total{')).to.deep.equal(['shop_http_request_stop_count_total{zone="eu-1",service="api"} 1']);
  });

  it('escapes backslash, double quote and newline in label values and HELP', () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count', { tags: ['path'], description: 'a "quoted" \\ help\nline' })] });
    telemetry.emit(EVENT, {}, { path: 'C:\\x "y"\nz' });
    const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
    const text = reporter.render();
    expect(text).to.contain('http_request_stop_count_total{path="C:\\\\x \\"y\\"\\nz"} 1');
    expect(text).to.contain('# HELP http_request_stop_count_total a "quoted" \\\\ help\\nline\n');
    expect(reporter.render('openmetrics')).to.contain('# HELP http_request_stop_count a \\"quoted\\" \\\\ help\\nline\n');
  });

  it('sanitises names to [a-zA-Z_:][a-zA-Z0-9_:]*', () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, { metrics: [counter('9lives.cat-food.count', { eventName: ['x'], tags: ['bad-tag', '0k'] })] });
    telemetry.emit(['x'], {}, { 'bad-tag': 'v', '0k': 'w' });
    const text = new PrometheusReporter(telemetry, { aggregator: agg }).render();
    expect(lines(text, '_9lives_cat_food_count_total')).to.deep.equal(['_9lives_cat_food_count_total{bad_tag="v",_0k="w"} 1']);
  });

  it('ends OpenMetrics with # EOF and names counter families without _total', () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, { defaultBuckets, metrics: [counter('http.request.stop.count'), distribution('http.request.stop.duration', { unit: 'second' })] });
    telemetry.emit(EVENT, { duration: 0.2 });
    const om = new PrometheusReporter(telemetry, { aggregator: agg }).render('openmetrics');
    expect(om.endsWith('# EOF\n')).to.equal(true);
    expect(om).to.contain('# TYPE http_request_stop_count counter\n');
    expect(om).to.contain('http_request_stop_count_total 1\n');
    expect(om).to.contain('# UNIT http_request_stop_duration_seconds seconds\n');
  });

  it('reports dropped and overflow events per metric', () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, { maxSeriesPerMetric: 1, metrics: [counter('http.request.stop.count', { tags: ['u'] })] });
    telemetry.emit(EVENT, {}, { u: 'a' });
    telemetry.emit(EVENT, {}, { u: 'b' });
    telemetry.emit(EVENT, {}, {});
    const text = new PrometheusReporter(telemetry, { aggregator: agg }).render();
    expect(lines(text, 'rx_telemetry_dropped_events_total{')).to.deep.equal(['rx_telemetry_dropped_events_total{metric="http_request_stop_count"} 1']);
    expect(lines(text, 'rx_telemetry_overflow_events_total{')).to.deep.equal(['rx_telemetry_overflow_events_total{metric="http_request_stop_count"} 1']);
    expect(lines(text, 'http_request_stop_count_total{overflow="true"}')).to.deep.equal(['http_request_stop_count_total{overflow="true"} 1']);
  });

  it('renders the same bytes twice at one instant, past a slice boundary the window timer has not reached', () => {
    let clock = 0;
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, { now: () => clock, defaultBuckets, window: { durationMs: 3_000, slices: 3 }, metrics: [summary('job.run.stop.latency'), distribution('job.run.stop.duration')] });
    for (let i = 1; i <= 50; i++) telemetry.emit(['job', 'run', 'stop'], { latency: i, duration: i / 10 });
    const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
    clock = 2_500;
    const first = reporter.render('openmetrics');
    expect(reporter.render('openmetrics')).to.equal(first);
    expect(reporter.render('text')).to.equal(reporter.render('text'));
    clock = 20_000; // the window emptied: quantiles are NaN, totals stay
    expect(lines(reporter.render(), 'job_run_stop_latency{quantile="0.5"}')).to.deep.equal(['job_run_stop_latency{quantile="0.5"} NaN']);
    expect(lines(reporter.render(), 'job_run_stop_latency_count')).to.deep.equal(['job_run_stop_latency_count 50']);
  });

  it('rejects bad options and clashing names with a TypeError', () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, { metrics: [counter('a.b.count', { eventName: ['a'] }), counter('a.b-count', { eventName: ['a'] })] });
    expect(() => new PrometheusReporter(telemetry, { aggregator: agg })).to.throw(TypeError, /both take the name a_b_count/);
    expect(() => new PrometheusReporter(telemetry, { aggregator: {} as Aggregator })).to.throw(TypeError, /Aggregator/);
    const ok = new Aggregator(telemetry, { metrics: [counter('c.d.count', { eventName: ['c'] })] });
    expect(() => new PrometheusReporter(telemetry, { aggregator: ok, defaultLabels: { a: 1 as unknown as string } })).to.throw(TypeError, /defaultLabels.a/);
    expect(() => new PrometheusReporter(telemetry, { aggregator: ok }).render('json' as 'text')).to.throw(TypeError, /format/);
    expect(() => new PrometheusReporter(telemetry, { aggregator: ok, defaultLabels: { le: '1' } })).to.throw(TypeError, /defaultLabels.le .*reserved label "le"/);
    expect(() => new PrometheusReporter(telemetry, { aggregator: ok, defaultLabels: { quantile: '1' } })).to.throw(TypeError, /reserved label "quantile"/);
    expect(() => new PrometheusReporter(telemetry, { aggregator: ok, defaultLabels: { metric: 'x' } })).to.throw(TypeError, /reserved label "metric"/);
    expect(() => new PrometheusReporter(telemetry, { aggregator: ok, defaultLabels: { 'a-b': '1', a_b: '2' } })).to.throw(TypeError, /both become the label "a_b"/);
    ok.stop();
    const bare = new Aggregator(telemetry, { metrics: [distribution('e.f.duration', { unit: 'second' })] });
    expect(() => new PrometheusReporter(telemetry, { aggregator: bare })).to.throw(TypeError, /needs bucket bounds.*reporterOptions\.buckets.*defaultBuckets/);
    bare.stop();
  });
});
