import { expect } from 'chai';
import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { PrometheusReporter } from '@rx-telemetry/prometheus';
import { livePage, type PageState, type PageTick } from '../src/index.js';
import { fixture, type Fixture } from './fixture.js';
import { fetchText, openStream, until } from './http.js';

describe('livePage: charts from the metric definitions', () => {
  let f: Fixture;
  before(async () => (f = await fixture()));
  after(() => f.bus.shutdown());

  it('makes one chart per definition, in order, and one shared chart for definitions naming the same livePage.chart', () => {
    const charts = f.page.state().charts.map((c) => [c.title, c.kind, c.unit, c.lines.map((l) => `${l.metric}:${l.field}`).join(' ')]);
    expect(charts).to.deep.equal([
      ['Job latency', 'percentiles', 'millisecond', 'job.run.stop.duration:p99'],
      ['Jobs finished', 'lines', '/s', 'job.run.stop.count:rate'],
      ['Jobs failed', 'lines', '/s', 'job.run.exception.count:rate'],
      ['Queue depth', 'lines', '', 'queue.depth.length:value'],
      ['GPU vs CPU', 'lines', 'millisecond', 'job.gpu.stop.duration:mean job.cpu.stop.duration:mean'],
    ]);
  });

  it('draws a definition added to the aggregator without any change to the page', async () => {
    const bus = new Telemetry();
    const aggregator = new Aggregator(bus, { metrics: [counter('a.b.count'), distribution('new.thing.stop.duration', { unit: 'millisecond', description: 'A new thing' })] });
    const page = livePage(bus, { aggregator, intervalMs: 3_600_000 });
    expect(page.state().charts.map((c) => c.title)).to.deep.equal(['a.b.count', 'A new thing']);
    await bus.shutdown();
  });

  it('keeps a definition with livePage.also on its own chart and adds it as a line of the shared one; hidden leaves it off', async () => {
    const bus = new Telemetry();
    const aggregator = new Aggregator(bus, {
      metrics: [
        distribution('k.run.stop.duration', { unit: 'millisecond', description: 'CPU side', reporterOptions: { livePage: { also: { chart: 'GPU vs CPU', stat: 'mean', combined: true, label: 'cpu' } } } }),
        distribution('k.run.stop.gpu', { unit: 'millisecond', reporterOptions: { livePage: { chart: 'GPU vs CPU', label: 'gpu' } } }),
        counter('k.run.stop.count', { reporterOptions: { livePage: { hidden: true } } }),
      ],
    });
    const page = livePage(bus, { aggregator, intervalMs: 3_600_000 });
    expect(page.state().charts.map((c) => [c.title, c.kind, c.lines.map((l) => `${l.label}:${l.field}:${l.combined}`).join(' ')])).to.deep.equal([
      ['CPU side', 'percentiles', 'CPU side:p99:false'],
      ['GPU vs CPU', 'lines', 'cpu:mean:true gpu:mean:false'],
    ]);
    await bus.shutdown();
  });

  it('turns counters into rates per second, last values into values, distributions into rate, mean and window percentiles', async () => {
    await f.second(10, 20); // the first point has no previous one: rates are unknown
    await f.second(20, 20);
    const { values } = f.page.state();
    const last = (key: string) => values[key]?.at(-1);
    expect({
      first: values['job.run.stop.count|rate|kind=resize'][0],
      resize: last('job.run.stop.count|rate|kind=resize'),
      all: last('job.run.stop.count|rate|*'),
      failed: last('job.run.exception.count|rate|'),
      depth: typeof last('queue.depth.length|value|'),
      rate: last('job.run.stop.duration|rate|kind=crop'),
    }).to.deep.equal({ first: null, resize: 10, all: 20, failed: 2, depth: 'number', rate: 10 });
    expect(last('job.run.stop.duration|mean|*')).to.be.closeTo(20 * 1.2, 0.01);
    expect(last('job.run.stop.duration|p99|kind=resize')).to.be.closeTo(28, 28 * 0.01);
  });

  it('keeps historyPoints points on the server, oldest dropped first', async () => {
    const bus = new Telemetry();
    const aggregator = new Aggregator(bus, { metrics: [counter('a.b.count')] });
    let t = 0;
    const page = livePage(bus, { aggregator, intervalMs: 3_600_000, historyPoints: 3, now: () => (t += 1000) });
    for (let i = 0; i < 5; i++) page.tick();
    expect(page.state().times).to.deep.equal([3000, 4000, 5000]);
    await bus.shutdown();
  });
});

describe('livePage over HTTP (PrometheusReporter.listen routes)', () => {
  let f: Fixture;
  let url: string;
  before(async () => {
    f = await fixture({ alertThresholdMs: 50 });
    const reporter = new PrometheusReporter(f.bus, { aggregator: f.aggregator });
    url = (await reporter.listen({ port: 0, routes: f.page.routes })).url;
  });
  after(() => f.bus.shutdown());

  it('serves the page, its script and style, and uPlot from node_modules', async () => {
    const replies = await Promise.all(['/', '/assets/app.js', '/assets/style.css', '/assets/uPlot.iife.min.js', '/assets/uPlot.min.css'].map((p) => fetchText(url + p)));
    expect(replies.map((r) => [r.status, String(r.headers['content-type']).split(';')[0]])).to.deep.equal([
      [200, 'text/html'],
      [200, 'text/javascript'],
      [200, 'text/css'],
      [200, 'text/javascript'],
      [200, 'text/css'],
    ]);
    expect(replies[0].body).to.include('/assets/uPlot.iife.min.js').and.not.match(/https?:\/\//);
    expect(replies[3].body).to.include('uPlot');
  });

  it('streams the state first, then one point per tick, over server-sent events', async () => {
    await f.second(5, 10); // a first point: rates need a previous one
    const stream = await openStream(`${url}/api/events`);
    await stream.next(1);
    await f.second(5, 10);
    await stream.next(2);
    stream.close();
    const [first, second] = stream.messages;
    expect([stream.status, first.event, second.event]).to.deep.equal([200, 'state', 'message']);
    const state = first.data as PageState;
    const tick = second.data as PageTick;
    expect(state.charts.length).to.equal(5);
    expect(tick.t).to.be.above(state.times.at(-1) ?? 0);
    expect(tick.values['job.run.stop.count|rate|kind=resize']).to.be.a('number');
  });

  it('answers /api/state with the history, so a reload is not empty', async () => {
    await f.second(5, 10);
    const state = JSON.parse((await fetchText(`${url}/api/state`)).body) as PageState;
    expect(state.times.length).to.be.at.least(2);
    expect(state.values['job.run.stop.count|rate|kind=crop'].length).to.equal(state.times.length);
  });

  it('lists the latest exceptions with their correlation ids, and serves each one’s trace', async () => {
    await f.second(10, 10);
    const { exceptions } = f.page.state();
    expect(exceptions[0]).to.include({ name: 'job.attempt', trace: true });
    expect(exceptions[0].reason).to.match(/^Error: job job-\d+ failed on purpose$/);
    const reply = await fetchText(`${url}/api/trace?id=${exceptions[0].correlationId}`);
    const trace = JSON.parse(reply.body) as { traceEvents: { ph: string; name: string }[] };
    expect(trace.traceEvents.filter((e) => e.ph === 'b' || e.ph === 'i').map((e) => `${e.ph} ${e.name}`)).to.deep.equal(['b job.attempt', 'i exception: job.attempt']);
    expect((await fetchText(`${url}/api/trace?id=nope`)).status).to.equal(404);
  });

  it('shows a firing alert in the alert table', async () => {
    await f.second(20, 80);
    await until(() => f.alerts.active().some((a) => a.status === 'firing'), 'SlowJobs to fire');
    f.page.tick();
    const firing = f.page.state().alerts.filter((a) => a.status === 'firing');
    expect(firing.map((a) => [a.name, a.severity, a.labels.kind, a.summary]).sort()).to.deep.equal([
      ['SlowJobs', 'warning', 'crop', 'p99 job latency above 50 ms'],
      ['SlowJobs', 'warning', 'resize', 'p99 job latency above 50 ms'],
    ]);
  });

  it('records a profile of N seconds on /api/profile, one at a time, within maxProfileSeconds', async () => {
    const recording = fetchText(`${url}/api/profile?seconds=0.3`);
    await new Promise((r) => setTimeout(r, 20));
    const busy = await fetchText(`${url}/api/profile?seconds=0.3`);
    await f.second(3, 5);
    const reply = await recording;
    const trace = JSON.parse(reply.body) as { traceEvents: { ph: string; name: string }[] };
    expect([reply.status, busy.status, (await fetchText(`${url}/api/profile?seconds=999`)).status]).to.deep.equal([200, 409, 400]);
    expect(String(reply.headers['content-disposition'])).to.match(/^attachment; filename="profile-.*\.json"$/);
    expect(trace.traceEvents.filter((e) => e.ph === 'b').map((e) => e.name)).to.include('job.attempt');
  });
});

describe('livePage lifecycle and wiring', () => {
  it('is stopped by telemetry.shutdown(): streams end, sampling and handlers stop', async () => {
    const f = await fixture();
    const reporter = new PrometheusReporter(f.bus, { aggregator: f.aggregator });
    const { url } = await reporter.listen({ port: 0, routes: f.page.routes });
    const stream = await openStream(`${url}/api/events`);
    await stream.next(1);
    await until(() => f.page.clients === 1, 'the client to be counted');
    const report = await f.bus.shutdown();
    await stream.ended;
    expect([report.stopped.includes('live-page'), report.stopped.includes('recent-traces'), f.page.clients, f.bus.listHandlers().length]).to.deep.equal([true, true, 0, 0]);
  });

  it('refuses more than maxClients streams with 503', async () => {
    const bus = new Telemetry();
    const aggregator = new Aggregator(bus, { metrics: [counter('a.b.count')] });
    const page = livePage(bus, { aggregator, maxClients: 1, intervalMs: 3_600_000 });
    const reporter = new PrometheusReporter(bus, { aggregator });
    const { url } = await reporter.listen({ port: 0, routes: page.routes });
    const one = await openStream(`${url}/api/events`);
    const two = await openStream(`${url}/api/events`);
    expect([one.status, two.status]).to.deep.equal([200, 503]);
    one.close();
    await bus.shutdown();
  });

  it('rejects wiring mistakes with a TypeError naming the fix', async () => {
    const bus = new Telemetry();
    const other = new Telemetry();
    const aggregator = new Aggregator(other, { metrics: [counter('a.b.count')] });
    const bad = new Aggregator(bus, { metrics: [counter('a.b.count', { reporterOptions: { livePage: { stat: 'p42' } } })] });
    expect(() => livePage(bus, { aggregator })).to.throw(TypeError, /another Telemetry bus/);
    expect(() => livePage(bus, { aggregator: bad })).to.throw(TypeError, /livePage.stat must be one of/);
    expect(() => livePage(bus, {} as never)).to.throw(TypeError, /aggregator/);
    await bus.shutdown();
    await other.shutdown();
  });
});
