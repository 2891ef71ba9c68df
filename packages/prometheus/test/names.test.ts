import { counter, distribution, sum, Telemetry } from '@rx-telemetry/core';
import { runTool } from '@rx-telemetry/devkit/prometheus';
import { Aggregator } from '@rx-telemetry/hdr';
import FakeTimers, { type Clock } from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { PrefixCache } from '../src/prefix-cache.js';
import { defaultBuckets, PrometheusReporter } from '../src/index.js';

const PARSER = fileURLToPath(new URL('../../test/fixtures/parse_openmetrics.py', import.meta.url));
const STOP = ['http', 'request', 'stop'];

function lines(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}

describe('names existing tools expect', () => {
  it('gives http_requests_total and http_request_duration_seconds to metrics named so on the stop event, clean for promtool and the OpenMetrics parser', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, {
      defaultBuckets,
      metrics: [
        counter('http.requests', { eventName: STOP, tags: ['route'] }),
        distribution('http.request.duration', { eventName: STOP, tags: ['route'], unit: { from: 'nanosecond', to: 'second' } }),
      ],
    });
    telemetry.emit(STOP, { duration: 42_000_000 }, { route: '/cart' });
    const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
    const text = reporter.render('text');
    const om = reporter.render('openmetrics');
    await telemetry.shutdown();
    expect(lines(text, 'http_requests_total')).to.deep.equal(['http_requests_total{route="/cart"} 1']);
    expect(lines(text, 'http_request_duration_seconds_count')).to.deep.equal(['http_request_duration_seconds_count{route="/cart"} 1']);
    expect(om).to.contain('# TYPE http_requests counter\n').and.to.contain('# UNIT http_request_duration_seconds seconds\n');
    const promtool = await runTool('/usr/bin/promtool', ['check', 'metrics'], text);
    expect({ code: promtool.code, out: promtool.stdout + promtool.stderr }).to.deep.equal({ code: 0, out: '' });
    const parsed = await runTool('/usr/bin/python3', [PARSER], om);
    expect(parsed.stderr).to.equal('');
    const names = new Set((JSON.parse(parsed.stdout) as { name: string }[]).map((s) => s.name));
    for (const n of ['http_requests_total', 'http_requests_created', 'http_request_duration_seconds_bucket', 'http_request_duration_seconds_created']) expect(names.has(n), n).to.equal(true);
  });

  it('puts a counter\'s unit before _total when its name already ends in _total (worker_busy_seconds_total, not …_total_seconds_total), clean for promtool', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [sum('worker.busy.total', { eventName: ['job', 'stop'], measurement: 'duration', unit: { from: 'nanosecond', to: 'millisecond' } })] });
    telemetry.emit(['job', 'stop'], { duration: 1_500_000 });
    const text = new PrometheusReporter(telemetry, { aggregator: agg }).render('text');
    await telemetry.shutdown();
    expect(lines(text, 'worker_busy')).to.deep.equal(['worker_busy_seconds_total 0.0015']);
    const promtool = await runTool('/usr/bin/promtool', ['check', 'metrics'], text);
    expect({ code: promtool.code, out: promtool.stdout + promtool.stderr }).to.deep.equal({ code: 0, out: '' });
  });

  it('does not repeat rx in the self-metrics\' names when the prefix is rx (rx_telemetry_dropped_events_total, not rx_rx_…)', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('jobs.done', { eventName: ['job', 'stop'] })] });
    const names = (prefix: string): string[] => [...new Set(lines(new PrometheusReporter(telemetry, { aggregator: agg, prefix }).render('text'), '').filter((l) => l.includes('dropped_events_total{')).map((l) => l.slice(0, l.indexOf('{'))))];
    const got = { rx: names('rx'), rxTelemetry: names('rx_telemetry_'), shop: names('shop') };
    await telemetry.shutdown();
    expect(got).to.deep.equal({ rx: ['rx_telemetry_dropped_events_total'], rxTelemetry: ['rx_telemetry_dropped_events_total'], shop: ['shop_rx_telemetry_dropped_events_total'] });
  });

  it('writes _created (seconds since the epoch) for counters and histograms in OpenMetrics only', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { defaultBuckets, metrics: [counter('jobs.done', { eventName: ['job', 'stop'] }), distribution('job.duration', { eventName: ['job', 'stop'], measurement: 'duration', unit: 'second' })] });
    const before = Date.now();
    telemetry.emit(['job', 'stop'], { duration: 0.2 });
    const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
    const om = reporter.render('openmetrics');
    const text = reporter.render('text');
    await telemetry.shutdown();
    const created: number[] = [];
    agg.collect({ value: (_m, s) => void created.push(s.created), histogram: (_m, s) => void created.push(s.created) });
    expect(created[0]).to.be.within(before - 1, Date.now());
    expect(lines(om, 'jobs_done_created')).to.deep.equal([`jobs_done_created ${created[0] / 1000}`]);
    expect(lines(om, 'job_duration_seconds_created')).to.deep.equal([`job_duration_seconds_created ${created[1] / 1000}`]);
    expect(text).not.to.contain('_created');
  });

  describe('a series removed as idle (idleSeriesMs)', () => {
    let clock: Clock;
    beforeEach(() => {
      clock = FakeTimers.install({ now: 1_700_000_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    });
    afterEach(() => clock.uninstall());

    it('leaves the exposition, and comes back counting from 0 with a later _created (Prometheus sees a reset)', async () => {
      const telemetry = new Telemetry();
      const agg = new Aggregator(telemetry, { now: () => clock.now, idleSeriesMs: 30_000, metrics: [counter('http.requests', { eventName: STOP, tags: ['route'] })] });
      const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
      for (let i = 0; i < 3; i++) telemetry.emit(STOP, {}, { route: '/old' });
      const first = lines(reporter.render('openmetrics'), 'http_requests_created{route="/old"}');
      expect(lines(reporter.render(), 'http_requests_total{route="/old"}')).to.deep.equal(['http_requests_total{route="/old"} 3']);
      clock.tick(60_000);
      expect(reporter.render()).not.to.contain('route="/old"');
      expect(reporter.render('openmetrics')).not.to.contain('route="/old"');
      telemetry.emit(STOP, {}, { route: '/old' });
      const om = reporter.render('openmetrics');
      expect(lines(om, 'http_requests_total{route="/old"}')).to.deep.equal(['http_requests_total{route="/old"} 1']);
      const again = lines(om, 'http_requests_created{route="/old"}');
      expect(Number(again[0].split(' ')[1])).to.be.greaterThan(Number(first[0].split(' ')[1]) + 50);
      await telemetry.shutdown();
    });

    it("keeps the reporter's prefix cache the size of what is live under a churn of label values", async () => {
      const telemetry = new Telemetry();
      const agg = new Aggregator(telemetry, { now: () => clock.now, idleSeriesMs: 10_000, metrics: [counter('http.requests', { eventName: STOP, tags: ['user'] })] });
      const built: string[] = [];
      const cache = new PrefixCache((s) => {
        built.push(s.tags.user);
        return [s.tags.user];
      });
      const read = (): void => {
        agg.collect({ metric: (m) => void cache.begin(m), value: (_m, s) => void cache.get(s, undefined as never) });
        cache.end();
      };
      for (let round = 0; round < 20; round++) {
        for (let u = 0; u < 50; u++) telemetry.emit(STOP, {}, { user: `u${round * 50 + u}` });
        read();
        clock.tick(10_000);
      }
      read();
      expect(built).to.have.length(1000);
      expect(cache.size).to.be.at.most(150);
      let live = 0;
      agg.collect({ value: () => void live++ });
      expect(cache.size).to.be.at.least(live);
      await telemetry.shutdown();
    });
  });
});
