import { counter, distribution, lastValue, sum, summary, Telemetry } from '@rx-telemetry/core';
import { startPrometheus, startPushgateway, type PrometheusPeer, type PushgatewayPeer } from '@rx-telemetry/devkit/prometheus';
import { freePort } from '@rx-telemetry/devkit/peer-process';
import { Aggregator } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defaultBuckets, PrometheusReporter, PUSH_EVENT, type Listening } from '../src/index.js';
import { pushText } from '../src/push.js';

const EVENT = ['http', 'request', 'stop'];
const TOKEN = 'scrape-token-42';

interface Sample {
  readonly key: string;
  readonly value: number;
}

// Parses our own text exposition into name+labels keys (label values here have no escapes).
function samplesOf(text: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(l);
      if (m === null) throw new Error(`unparsed line ${l}`);
      const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)].map(([, k, v]) => `${k}=${v}`).sort();
      return { key: `${m[1]}{${labels.join(',')}}`, value: Number(m[3]) };
    });
}

function keyOf(metric: Record<string, string>, drop: readonly string[]): string {
  const { __name__: name, ...rest } = metric;
  const labels = Object.entries(rest).filter(([k]) => !drop.includes(k)).map(([k, v]) => `${k}=${v}`).sort();
  return `${name}{${labels.join(',')}}`;
}

function same(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

describe('against a real Prometheus and Pushgateway', function () {
  this.timeout(60_000);
  let telemetry: Telemetry;
  let agg: Aggregator;
  let reporter: PrometheusReporter;
  let server: Listening;
  let batch: Aggregator;
  let gateway: PushgatewayPeer;
  let prometheus: PrometheusPeer;
  const startedAt = Date.now();

  before(async () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, {
      defaultBuckets,
      metrics: [
        counter('http.request.stop.count', { tags: ['route', 'status'] }),
        sum('http.request.stop.size', { tags: ['route'], unit: 'byte' }),
        lastValue('http.request.stop.inflight'),
        distribution('http.request.stop.duration', { tags: ['route'], unit: { from: 'nanosecond', to: 'second' } }),
        summary('http.request.stop.latency', { measurement: 'duration', unit: { from: 'nanosecond', to: 'millisecond' } }),
      ],
    });
    for (let i = 0; i < 2000; i++) {
      const route = i % 4 === 0 ? '/slow' : '/fast';
      const duration = route === '/slow' ? 50_000_000 + (i % 97) * 9_000_000 : 200_000 + (i % 89) * 150_000;
      telemetry.emit(EVENT, { duration, size: 100 + (i % 50), inflight: i % 7 }, { route, status: i % 10 === 0 ? 500 : 200 });
    }
    reporter = new PrometheusReporter(telemetry, { aggregator: agg, defaultLabels: { service: 'shop' } });
    server = await reporter.listen({ port: 0, token: TOKEN });

    const batchBus = new Telemetry();
    batch = new Aggregator(batchBus, { metrics: [sum('batch.import.stop.items', { tags: ['source'] })] });
    batchBus.emit(['batch', 'import', 'stop'], { items: 1234 }, { source: 'crm' });
    batchBus.emit(['batch', 'import', 'stop'], { items: 66 }, { source: 'crm' });
    gateway = await startPushgateway();
    await new PrometheusReporter(batchBus, { aggregator: batch }).push({ url: gateway.url, job: 'nightly', grouping: { shard: 'eu/1' } });

    const target = new URL(server.url).host;
    prometheus = await startPrometheus([
      { job: 'app', target, bearerToken: TOKEN },
      { job: 'app_without_token', target },
      { job: 'pushgateway', target: new URL(gateway.url).host, honorLabels: true },
    ]);
  });

  after(async () => {
    await prometheus?.stop();
    await gateway?.stop();
    await server?.close();
    agg?.stop();
    batch?.stop();
  });

  it('stores every series of a scrape of listen() with the values we rendered', async () => {
    await prometheus.waitFor('up{job="app"}', (r) => r.length === 1 && r[0].value[1] === '1');
    const ours = samplesOf(reporter.render('text'));
    // Prometheus 2.42 scrapes OpenMetrics and stores its _created samples as series of their own (checked below).
    const stored = await prometheus.waitFor('{job="app",__name__!~"up|scrape_.*|.*_created"}', (r) => r.length >= ours.length);
    const theirs = new Map(stored.map((s) => [keyOf(s.metric, ['job', 'instance']), Number(s.value[1])]));
    expect(ours.length).to.be.greaterThan(40);
    for (const { key, value } of ours) {
      expect(theirs.has(key), `Prometheus lacks ${key}; it has ${[...theirs.keys()].slice(0, 8).join(' ')}`).to.equal(true);
      expect(same(theirs.get(key) as number, value), `${key}: ours ${value}, Prometheus ${theirs.get(key)}`).to.equal(true);
    }
    expect(theirs.size).to.equal(ours.length);
  });

  it('stores OpenMetrics _created for every counter, histogram and summary series: when the series started', async () => {
    const created = await prometheus.waitFor('{job="app",__name__=~".*_created"}', (r) => r.length > 0);
    const expected = new Set<string>();
    agg.collect({
      metric: (m) => m.definition.type !== 'lastValue',
      value: (m, s) => void expected.add(`${m.definition.name}${JSON.stringify(s.tags)}@${s.created / 1000}`),
      histogram: (m, s) => void expected.add(`${m.definition.name}${JSON.stringify(s.tags)}@${s.created / 1000}`),
    });
    expect(created.length).to.equal(expected.size);
    for (const c of created) {
      expect(Number(c.value[1])).to.be.within(startedAt / 1000 - 1, Date.now() / 1000);
      expect([...expected].some((e) => e.endsWith(`@${Number(c.value[1])}`)), JSON.stringify(c)).to.equal(true);
    }
  });

  it('histogram_quantile(0.99) over our buckets agrees with our own p99 to bucket precision', async () => {
    const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    const duration = agg.snapshot().metrics.find((m) => m.name === 'http.request.stop.duration')!;
    for (const route of ['/slow', '/fast']) {
      const p99 = duration.series.find((s) => s.tags.route === route)!.total!.p99;
      const upper = buckets.find((b) => b >= p99)!;
      const lower = buckets[buckets.indexOf(upper) - 1] ?? 0;
      const [r] = await prometheus.waitFor(`histogram_quantile(0.99, http_request_stop_duration_seconds_bucket{job="app",route="${route}"})`, (x) => x.length === 1);
      const q = Number(r.value[1]);
      expect(q, `${route}: p99 ${p99} in (${lower}, ${upper}], Prometheus says ${q}`).to.be.within(lower, upper);
    }
  });

  it("answers every query of grafana/dashboards/rx-telemetry.json with series from our metrics", async () => {
    const dashboard = JSON.parse(await readFile(fileURLToPath(new URL('../../../../grafana/dashboards/rx-telemetry.json', import.meta.url)), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const vars: Record<string, string> = {
      histogram: 'http_request_stop_duration_seconds',
      counter: 'http_request_stop_count_total',
      summary: 'http_request_stop_latency_seconds',
      by: 'route',
      job: 'app',
      __rate_interval: '1m',
    };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).to.be.at.least(6);
    for (const expr of exprs) {
      const promql = expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => vars[(a ?? b) as string]);
      expect(promql, expr).not.to.contain('$');
      const result = await prometheus.waitFor(promql, (r) => r.length > 0);
      expect(result.length, promql).to.be.greaterThan(0);
    }
  });

  it('is refused by listen() when Prometheus scrapes without the bearer token', async () => {
    const [up] = await prometheus.waitFor('up{job="app_without_token"}', (r) => r.length === 1);
    expect(up.value[1]).to.equal('0');
    const targets = (await (await fetch(`${prometheus.url}/api/v1/targets`)).json()) as { data: { activeTargets: { labels: { job: string }; lastError: string }[] } };
    const t = targets.data.activeTargets.find((x) => x.labels.job === 'app_without_token');
    expect(t?.lastError).to.match(/401/);
  });

  it('pushes to the Pushgateway, and Prometheus scrapes the pushed series from there', async () => {
    const gatewayText = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(gatewayText).to.match(/batch_import_stop_items_total\{instance="",job="nightly",shard="eu\/1",source="crm"\} 1300/);
    const [r] = await prometheus.waitFor('batch_import_stop_items_total{job="nightly"}', (x) => x.length === 1);
    expect(r.metric).to.include({ job: 'nightly', shard: 'eu/1', source: 'crm' });
    expect(Number(r.value[1])).to.equal(1300);
  });

  it('sends URL credentials as Basic auth and keeps them out of the push span and errors', async () => {
    const bus = new Telemetry();
    const a = new Aggregator(bus, { metrics: [sum('batch.import.stop.items')] });
    bus.emit(['batch', 'import', 'stop'], { items: 7 });
    const seen: string[] = [];
    bus.attach('t', [...PUSH_EVENT, 'start'], (_e, _m, md) => seen.push(String(md.url)));
    const secret = new URL(gateway.url);
    secret.username = 'pusher';
    secret.password = 's3cret-pw';
    await new PrometheusReporter(bus, { aggregator: a }).push({ url: secret.toString(), job: 'with_auth' });
    const gatewayText = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(gatewayText).to.match(/batch_import_stop_items_total\{instance="",job="with_auth"\} 7/);
    expect(seen).to.have.length(1);
    expect(seen[0]).not.to.contain('s3cret-pw');
    expect(seen[0]).to.match(/^http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/with_auth$/);
    const closed = await freePort(); // free again: nothing listens there
    let err: Error | undefined;
    try {
      await new PrometheusReporter(bus, { aggregator: a }).push({ url: `http://pusher:s3cret-pw@127.0.0.1:${closed}`, job: 'x', timeoutMs: 2000 });
    } catch (e) {
      err = e as Error;
    }
    a.stop();
    expect(err?.message).to.equal(`push to http://127.0.0.1:${closed}/metrics/job/x failed: fetch failed (ECONNREFUSED)`);
    expect(err?.message).not.to.contain('s3cret-pw');
  });

  it('rejects with the Pushgateway\'s answer when it refuses a push', async () => {
    let err: Error | undefined;
    try {
      await pushText('broken{a="b} 1\n', { url: gateway.url, job: 'nightly2' });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/failed: 400 /);
  });
});
