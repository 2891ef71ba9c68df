import { counter, distribution, lastValue, sum, Telemetry } from '@rx-telemetry/core';
import { startStatsd, type StatsdPeer } from '@rx-telemetry/devkit/statsd';
import { expect } from 'chai';
import { StatsdReporter, type Formatter } from '../src/index.js';
import { captureUdp } from './udp-capture.js';

const METRICS = () => [
  counter('agg.job.done.count', { tags: ['queue'] }),
  sum('agg.job.done.bytes', { tags: ['queue'] }),
  lastValue('agg.job.done.depth'),
  distribution('agg.job.done.duration'),
];

function emitJobs(bus: Telemetry, n: number): void {
  for (let i = 1; i <= n; i++) bus.emit(['agg', 'job', 'done'], { bytes: 10, depth: i, duration: i }, { queue: i % 2 === 0 ? 'even' : 'odd' });
}

describe('StatsdReporter client-side aggregation', () => {
  const expected: Record<Formatter, string[]> = {
    standard: ['agg.job.done.count.odd:50|c', 'agg.job.done.count.even:50|c', 'agg.job.done.bytes.odd:500|c', 'agg.job.done.bytes.even:500|c', 'agg.job.done.depth:100|g'],
    datadog: ['agg.job.done.count:50|c|#queue:odd', 'agg.job.done.count:50|c|#queue:even', 'agg.job.done.bytes:500|c|#queue:odd', 'agg.job.done.bytes:500|c|#queue:even', 'agg.job.done.depth:100|g'],
    telegraf: ['agg.job.done.count,queue=odd:50|c', 'agg.job.done.count,queue=even:50|c', 'agg.job.done.bytes,queue=odd:500|c', 'agg.job.done.bytes,queue=even:500|c', 'agg.job.done.depth:100|g'],
  };
  for (const formatter of ['standard', 'datadog', 'telegraf'] as const) {
    it(`${formatter}: sends one line per count and gauge context, summed or last, and every distribution value`, async () => {
      const capture = await captureUdp();
      const bus = new Telemetry();
      const reporter = new StatsdReporter(bus, { metrics: METRICS(), port: capture.port, formatter, aggregation: true });
      emitJobs(bus, 100);
      await reporter.stop();
      const packed = formatter !== 'datadog';
      // DogStatsD: a line per value; standard and Telegraf: values packed, name:1|ms:2|ms:…, within a packet.
      const lines = await capture.waitForLines(packed ? 6 : 105);
      await capture.close();
      const aggregated = lines.filter((l) => !/duration/.test(l));
      expect([...aggregated].sort()).to.deep.equal([...expected[formatter]].sort());
      const timers = lines.filter((l) => /duration/.test(l));
      const values = timers.flatMap((l) => (packed ? l.slice(l.indexOf(':') + 1).split(':').map((v) => v.replace(/\|ms$/, '')) : [l.split(':')[1].split('|')[0]]));
      expect(values.map(Number)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1));
      if (packed) expect(timers.every((l) => l.startsWith('agg.job.done.duration:') && l.length <= 1432)).to.equal(true);
    });
  }

  it('sends aggregated contexts every flushIntervalMs without waiting for stop()', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [counter('tick.count', { eventName: ['tick'] })], port: capture.port, aggregation: { flushIntervalMs: 20 }, bufferFlushInterval: 5 });
    for (let i = 0; i < 10; i++) bus.emit(['tick'], {});
    const lines = await capture.waitForLines(1);
    await reporter.stop();
    await capture.close();
    expect(lines).to.deep.equal(['tick.count:10|c']);
  });

  it('sends the values of contexts past maxContexts as lines of their own', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const errors: Error[] = [];
    const reporter = new StatsdReporter(bus, { metrics: [counter('ctx.count', { eventName: ['ctx'], tags: ['k'] })], port: capture.port, aggregation: { maxContexts: 2 }, onError: (e) => errors.push(e) });
    for (let i = 0; i < 3; i++) for (const k of ['a', 'b', 'c']) bus.emit(['ctx'], {}, { k });
    await reporter.stop();
    // Reported once, as an error (counted, and the health check shows it).
    expect(errors.map((e) => e.message)).to.deep.equal(['StatsdReporter: aggregation context limit (2) reached; further new contexts are sent without aggregation']);
    expect(reporter.errors).to.equal(1);
    const lines = await capture.waitForLines(5);
    await capture.close();
    expect([...lines].sort()).to.deep.equal(['ctx.count.a:3|c', 'ctx.count.b:3|c', 'ctx.count.c:1|c', 'ctx.count.c:1|c', 'ctx.count.c:1|c']);
  });

  it('leaves lines sampled at a rate below 1 unaggregated', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [counter('smp.count', { eventName: ['smp'], reporterOptions: { sampleRate: 0.5 } })], port: capture.port, aggregation: true });
    for (let i = 0; i < 400; i++) bus.emit(['smp'], {});
    await reporter.stop();
    const lines = await capture.waitForLines(100);
    await capture.close();
    expect(lines.length).to.be.within(100, 300);
    expect(lines.every((l) => l === 'smp.count:1|c|@0.5')).to.equal(true);
  });

  it('holds timer values until the flush, then sends each as its own line, in order', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [distribution('held.job.duration', { eventName: ['held', 'job'], tags: ['q'] })], port: capture.port, formatter: 'datadog', aggregation: { flushIntervalMs: 60_000 }, bufferFlushInterval: 5 });
    for (const duration of [3, 1, 2]) bus.emit(['held', 'job'], { duration }, { q: 'a' });
    await new Promise((r) => setTimeout(r, 50));
    // hot-shots' own 5 ms buffer interval passed: nothing was handed to it yet.
    expect(capture.lines()).to.deep.equal([]);
    await reporter.flush();
    const lines = await capture.waitForLines(3);
    await reporter.stop();
    await capture.close();
    expect(lines).to.deep.equal(['held.job.duration:3|d|#q:a', 'held.job.duration:1|d|#q:a', 'held.job.duration:2|d|#q:a']);
  });

  it('sends timer values at once past the held-values bound (8 per allowed context), losing none', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [distribution('cap.duration', { eventName: ['cap'] })], port: capture.port, aggregation: { maxContexts: 1, flushIntervalMs: 60_000 }, bufferFlushInterval: 5 });
    for (let i = 1; i <= 10; i++) bus.emit(['cap'], { duration: i });
    const early = await capture.waitForLines(2);
    expect(early).to.deep.equal(['cap.duration:9|ms', 'cap.duration:10|ms']);
    await reporter.stop();
    const lines = await capture.waitForLines(3);
    await capture.close();
    expect([...lines.slice(2)]).to.deep.equal(['cap.duration:1|ms:2|ms:3|ms:4|ms:5|ms:6|ms:7|ms:8|ms']);
    expect(reporter.errors).to.equal(0);
  });

  it('flush() sends aggregated counts and resolves without aggregation too', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const aggregated = new StatsdReporter(bus, { metrics: [counter('f.count', { eventName: ['f'] })], port: capture.port, aggregation: { flushIntervalMs: 60_000 }, bufferFlushInterval: 60_000 });
    const plain = new StatsdReporter(bus, { metrics: [counter('g.count', { eventName: ['f'] })], port: capture.port, bufferFlushInterval: 60_000 });
    for (let i = 0; i < 4; i++) bus.emit(['f'], {});
    await aggregated.flush();
    await plain.flush();
    const lines = await capture.waitForLines(5);
    await capture.close();
    expect([...lines].sort()).to.deep.equal(['f.count:4|c', 'g.count:1|c', 'g.count:1|c', 'g.count:1|c', 'g.count:1|c']);
    await bus.shutdown();
  });

  it('packs timer values into lines that each fit maxBufferSize, prefix and global tags included', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, {
      metrics: [distribution('pk.job.duration', { eventName: ['pk', 'job'], tags: ['q'] })],
      port: capture.port,
      formatter: 'telegraf',
      prefix: 'svc',
      globalTags: { env: 'prod' },
      maxBufferSize: 200,
      aggregation: true,
    });
    for (let i = 0; i < 300; i++) bus.emit(['pk', 'job'], { duration: 1000 + i / 7 }, { q: 'a' });
    await reporter.stop();
    await capture.waitForLines(10);
    const lines = capture.lines();
    await capture.close();
    expect(capture.datagrams.every((d) => d.length <= 200)).to.equal(true);
    expect(lines.every((l) => l.startsWith('svc.pk.job.duration,env=prod,q=a:'))).to.equal(true);
    const values = lines.flatMap((l) => l.slice(l.indexOf(':') + 1).split(':').map((v) => Number(v.replace(/\|ms$/, ''))));
    expect(values).to.deep.equal(Array.from({ length: 300 }, (_, i) => 1000 + i / 7));
  });

  describe('against Etsy StatsD', () => {
    let statsd: StatsdPeer;
    before(async () => {
      statsd = await startStatsd();
    });
    after(async () => {
      await statsd?.stop();
    });

    it('reaches the daemon with the same totals as unaggregated lines, negative gauges included', async () => {
      const bus = new Telemetry();
      const reporter = new StatsdReporter(bus, { metrics: [...METRICS(), lastValue('agg.temp.celsius')], port: statsd.port, aggregation: true, prefix: 'a' });
      emitJobs(bus, 100);
      for (const celsius of [4, -3, -8]) bus.emit(['agg', 'temp'], { celsius });
      await reporter.stop();
      const counters = await statsd.waitFor(() => statsd.counters(), (c) => c['a.agg.job.done.bytes.even'] !== undefined);
      const gauges = await statsd.waitFor(() => statsd.gauges(), (g) => g['a.agg.temp.celsius'] !== undefined);
      const timers = await statsd.timers();
      expect([counters['a.agg.job.done.count.odd'], counters['a.agg.job.done.count.even'], counters['a.agg.job.done.bytes.odd']]).to.deep.equal([50, 50, 500]);
      expect([gauges['a.agg.job.done.depth'], gauges['a.agg.temp.celsius']]).to.deep.equal([100, -8]);
      expect(timers['a.agg.job.done.duration']).to.have.length(100);
      expect(counters['statsd.bad_lines_seen']).to.equal(0);
    });
  });
});
