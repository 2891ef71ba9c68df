import { counter, distribution, lastValue, summary, Telemetry } from '@rx-telemetry/core';
import { startStatsd, type StatsdPeer } from '@rx-telemetry/devkit/statsd';
import { expect } from 'chai';
import { StatsdReporter } from '../src/index.js';
import { captureUdp } from './udp-capture.js';

describe('StatsdReporter on the wire', () => {
  let statsd: StatsdPeer;
  before(async () => {
    statsd = await startStatsd();
  });
  after(async () => {
    await statsd?.stop();
  });

  it('samples at the metric rate, marks lines @rate, and the daemon scales them back exactly', async () => {
    // The capture forwards every datagram to the daemon, so both sides see the same lines.
    const proxy = await captureUdp(statsd.port);
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, {
      metrics: [counter('smp.req.stop.count', { reporterOptions: { sampleRate: 0.25 } }), summary('smp.req.stop.duration', { reporterOptions: { sampleRate: 0.25 } })],
      port: proxy.port,
    });
    const n = 4000;
    for (let i = 0; i < n; i++) bus.emit(['smp', 'req', 'stop'], { duration: 1 });
    await reporter.stop();
    const counted = (await statsd.waitFor(() => statsd.counters(), (c) => c['smp.req.stop.count'] !== undefined))['smp.req.stop.count'];
    const lines = await proxy.waitForLines(1);
    await proxy.close();
    const counterLines = lines.filter((l) => l.startsWith('smp.req.stop.count:'));
    const timerLines = lines.filter((l) => l.startsWith('smp.req.stop.duration:'));
    expect(counterLines.every((l) => l === 'smp.req.stop.count:1|c|@0.25')).to.equal(true);
    expect(timerLines.every((l) => l === 'smp.req.stop.duration:1|ms|@0.25')).to.equal(true);
    // Binomial(4000, 0.25): mean 1000, sd ~27; 6 sd either side never fails by chance in practice.
    for (const sent of [counterLines.length, timerLines.length]) expect(sent).to.be.within(1000 - 165, 1000 + 165);
    expect(counted).to.equal(counterLines.length * 4);
  });

  it('lets a metric rate override the reporter rate', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, {
      metrics: [counter('ovr.a.count', { eventName: ['ovr'] }), counter('ovr.b.count', { eventName: ['ovr'], reporterOptions: { sampleRate: 1 } })],
      port: capture.port,
      sampleRate: 0.5,
    });
    for (let i = 0; i < 200; i++) bus.emit(['ovr'], {});
    await reporter.stop();
    const lines = await capture.waitForLines(201);
    await capture.close();
    expect(lines.filter((l) => l === 'ovr.b.count:1|c')).to.have.length(200);
    const a = lines.filter((l) => l.startsWith('ovr.a.count'));
    expect(a.every((l) => l === 'ovr.a.count:1|c|@0.5')).to.equal(true);
    expect(a.length).to.be.within(100 - 45, 100 + 45);
  });

  it('sends DogStatsD summaries as |h and distributions as |d, tags after the rate', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, {
      metrics: [summary('dog.q.stop.duration', { tags: ['db'] }), distribution('dog.q.stop.rows', { tags: ['db'] }), lastValue('dog.q.stop.depth')],
      port: capture.port,
      formatter: 'datadog',
      globalTags: { env: 'test' },
      maxBufferSize: 0,
    });
    bus.emit(['dog', 'q', 'stop'], { duration: 12, rows: 3, depth: -2 }, { db: 'main' });
    await reporter.stop();
    const lines = await capture.waitForLines(3);
    await capture.close();
    expect(lines).to.have.members(['dog.q.stop.duration:12|h|#env:test,db:main', 'dog.q.stop.rows:3|d|#env:test,db:main', 'dog.q.stop.depth:-2|g|#env:test']);
  });

  it('keeps every packet within maxBufferSize and loses no line', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [counter('pkt.job.done.count', { tags: ['worker'] })], port: capture.port, maxBufferSize: 200 });
    const n = 500;
    for (let i = 0; i < n; i++) bus.emit(['pkt', 'job', 'done'], {}, { worker: `w${i}` });
    await reporter.stop();
    const lines = await capture.waitForLines(n);
    await capture.close();
    expect(capture.datagrams.length).to.be.greaterThan(1);
    for (const d of capture.datagrams) expect(d.length).to.be.at.most(200);
    expect(lines).to.deep.equal(Array.from({ length: n }, (_, i) => `pkt.job.done.count.w${i}:1|c`));
  });

  it('sends one packet per metric with maxBufferSize 0', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [counter('one.x.count', { eventName: ['one'] })], port: capture.port, maxBufferSize: 0 });
    for (let i = 0; i < 20; i++) bus.emit(['one'], {});
    await capture.waitForLines(20);
    await reporter.stop();
    await capture.close();
    expect(capture.datagrams.map((d) => d.toString())).to.deep.equal(Array(20).fill('one.x.count:1|c'));
  });

  it('converts ns to ms by division, so values reach the wire as the nearest decimal', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, {
      metrics: [distribution('unit.q.stop.duration', { unit: { from: 'nanosecond', to: 'millisecond' } })],
      port: capture.port,
      maxBufferSize: 0,
    });
    const durations = [1_000_123, 7, 2_500_000_001];
    for (const duration of durations) bus.emit(['unit', 'q', 'stop'], { duration });
    const lines = await capture.waitForLines(3);
    await reporter.stop();
    await capture.close();
    expect(lines).to.deep.equal(durations.map((d) => `unit.q.stop.duration:${d / 1e6}|ms`));
    expect(lines[0]).to.equal('unit.q.stop.duration:1.000123|ms');
  });
});
