import { counter, distribution, lastValue, sum, summary, Telemetry, type MetricDefinition } from '@rx-telemetry/core';
import { startStatsd, type StatsdPeer } from '@rx-telemetry/devkit/statsd';
import { expect } from 'chai';
import { StatsdReporter, type Formatter } from '../src/index.js';

// One definition of each type on one event, as a user would write them.
function metricsOf(): MetricDefinition[] {
  return [
    counter('shop.order.stop.count', { tags: ['region'] }),
    sum('shop.order.stop.items', { tags: ['region'] }),
    lastValue('shop.order.stop.queue'),
    summary('shop.order.stop.duration', { tags: ['region'], unit: { from: 'nanosecond', to: 'millisecond' } }),
    distribution('shop.order.stop.bytes'),
  ];
}

const ORDERS = [
  { items: 3, queue: 7, duration: 2_000_000, bytes: 100, region: 'eu' },
  { items: 4, queue: 5, duration: 5_000_000, bytes: 250, region: 'eu' },
  { items: 1, queue: 9, duration: 1_000_000, bytes: 50, region: 'us' },
];

async function report(statsd: StatsdPeer, formatter: Formatter, prefix: string, metrics = metricsOf()): Promise<void> {
  const bus = new Telemetry();
  const reporter = new StatsdReporter(bus, { metrics, port: statsd.port, formatter, prefix });
  for (const o of ORDERS) {
    bus.emit(['shop', 'order', 'stop'], { items: o.items, queue: o.queue, duration: o.duration, bytes: o.bytes }, { region: o.region });
  }
  await reporter.stop();
}

describe('StatsdReporter against Etsy StatsD', function () {
  let statsd: StatsdPeer;
  before(async () => {
    statsd = await startStatsd();
  });
  after(async () => {
    await statsd?.stop();
  });

  it('standard: appends tag values to the name and sends c, g and ms with exact values', async () => {
    await report(statsd, 'standard', 'std');
    const counters = await statsd.waitFor(() => statsd.counters(), (c) => c['std.shop.order.stop.items.us'] !== undefined);
    const timers = await statsd.timers();
    const gauges = await statsd.gauges();
    expect(counters['std.shop.order.stop.count.eu']).to.equal(2);
    expect(counters['std.shop.order.stop.count.us']).to.equal(1);
    expect(counters['std.shop.order.stop.items.eu']).to.equal(7);
    expect(counters['std.shop.order.stop.items.us']).to.equal(1);
    expect(gauges['std.shop.order.stop.queue']).to.equal(9);
    expect(timers['std.shop.order.stop.duration.eu']).to.deep.equal([2, 5]);
    expect(timers['std.shop.order.stop.duration.us']).to.deep.equal([1]);
    expect(timers['std.shop.order.stop.bytes']).to.deep.equal([100, 250, 50]);
  });

  it('datadog: sends |#k:v tags, which the daemon folds into the key', async () => {
    await report(statsd, 'datadog', 'dd');
    const counters = await statsd.waitFor(() => statsd.counters(), (c) => c['dd.shop.order.stop.bytes'] !== undefined);
    const gauges = await statsd.gauges();
    expect(counters['dd.shop.order.stop.count;region=eu']).to.equal(2);
    expect(counters['dd.shop.order.stop.items;region=eu']).to.equal(7);
    expect(counters['dd.shop.order.stop.items;region=us']).to.equal(1);
    expect(gauges['dd.shop.order.stop.queue']).to.equal(9);
    // Etsy's daemon counts DogStatsD |h and |d like counters: their sum arrives.
    expect(counters['dd.shop.order.stop.duration;region=eu']).to.equal(7);
    expect(counters['dd.shop.order.stop.bytes']).to.equal(400);
  });

  it('telegraf: puts ,k=v after the name', async () => {
    await report(statsd, 'telegraf', 'tg');
    const counters = await statsd.waitFor(() => statsd.counters(), (c) => c['tg.shop.order.stop.items,region=us'] !== undefined);
    const timers = await statsd.timers();
    const gauges = await statsd.gauges();
    expect(counters['tg.shop.order.stop.count,region=eu']).to.equal(2);
    expect(counters['tg.shop.order.stop.items,region=eu']).to.equal(7);
    expect(counters['tg.shop.order.stop.items,region=us']).to.equal(1);
    expect(gauges['tg.shop.order.stop.queue']).to.equal(9);
    expect(timers['tg.shop.order.stop.duration,region=eu']).to.deep.equal([2, 5]);
    expect(timers['tg.shop.order.stop.bytes']).to.deep.equal([100, 250, 50]);
  });

  it('standard: a negative lastValue ends as that exact value, not as a delta', async () => {
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [lastValue('neg.temp.celsius')], port: statsd.port });
    for (const celsius of [4, -3, -8]) bus.emit(['neg', 'temp'], { celsius });
    await reporter.stop();
    const gauges = await statsd.waitFor(() => statsd.gauges(), (g) => g['neg.temp.celsius'] === -8);
    expect(gauges['neg.temp.celsius']).to.equal(-8);
  });

  it('sum with reportAs gauge sends relative gauges that add up', async () => {
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [sum('rel.pool.size.delta', { reporterOptions: { reportAs: 'gauge' } })], port: statsd.port });
    for (const delta of [5, 3, -2]) bus.emit(['rel', 'pool', 'size'], { delta });
    await reporter.stop();
    const gauges = await statsd.waitFor(() => statsd.gauges(), (g) => g['rel.pool.size.delta'] === 6);
    expect(gauges['rel.pool.size.delta']).to.equal(6);
  });

  it('appends standard global tag values to every name, after the metric tags', async () => {
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, {
      metrics: [counter('gt.job.done.count', { tags: ['queue'] })],
      port: statsd.port,
      globalTags: { env: 'prod', host: 'web.1' },
    });
    bus.emit(['gt', 'job', 'done'], {}, { queue: 'mail' });
    await reporter.stop();
    const counters = await statsd.waitFor(() => statsd.counters(), (c) => c['gt.job.done.count.mail.prod.web_1'] !== undefined);
    expect(counters['gt.job.done.count.mail.prod.web_1']).to.equal(1);
  });

  it('skips an event missing a tag value instead of sending a wrong name', async () => {
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [counter('miss.job.done.count', { tags: ['queue'] }), counter('miss.job.done.all')], port: statsd.port });
    bus.emit(['miss', 'job', 'done'], {}, {});
    bus.emit(['miss', 'job', 'done'], {}, { queue: 'a' });
    await reporter.stop();
    const counters = await statsd.waitFor(() => statsd.counters(), (c) => c['miss.job.done.all'] === 2);
    expect(counters['miss.job.done.all']).to.equal(2);
    expect(counters['miss.job.done.count.a']).to.equal(1);
    expect(Object.keys(counters).filter((k) => k.startsWith('miss.job.done.count'))).to.deep.equal(['miss.job.done.count.a']);
  });

  it('holds batched lines until stop() flushes them', async () => {
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [counter('held.job.done.count')], port: statsd.port, bufferFlushInterval: 600_000 });
    for (let i = 0; i < 5; i++) bus.emit(['held', 'job', 'done'], {});
    // A marker sent through another socket arrives after anything already sent by the reporter.
    const marker = new StatsdReporter(bus, { metrics: [counter('held.marker.count', { eventName: ['held', 'marker'] })], port: statsd.port, maxBufferSize: 0 });
    bus.emit(['held', 'marker'], {});
    await marker.stop();
    const before = await statsd.waitFor(() => statsd.counters(), (c) => c['held.marker.count'] === 1);
    expect(before['held.job.done.count']).to.equal(undefined);
    await reporter.stop();
    const after = await statsd.waitFor(() => statsd.counters(), (c) => c['held.job.done.count'] === 5);
    expect(after['held.job.done.count']).to.equal(5);
  });

  it('is closed by telemetry.shutdown(), which flushes and detaches it', async () => {
    const bus = new Telemetry();
    new StatsdReporter(bus, { metrics: [counter('shut.job.done.count')], port: statsd.port, bufferFlushInterval: 600_000 });
    for (let i = 0; i < 3; i++) bus.emit(['shut', 'job', 'done'], {});
    await bus.shutdown();
    expect(bus.listHandlers()).to.deep.equal([]);
    const counters = await statsd.waitFor(() => statsd.counters(), (c) => c['shut.job.done.count'] === 3);
    expect(counters['shut.job.done.count']).to.equal(3);
  });

  it('sent no line the daemon counted as bad', async () => {
    const counters = await statsd.counters();
    expect(counters['statsd.bad_lines_seen']).to.equal(0);
  });
});
