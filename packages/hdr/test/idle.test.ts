import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import FakeTimers, { type Clock } from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { Aggregator, IDLE_SERIES_REMOVED_EVENT, type CollectedMetric, type CollectedSeries } from '../src/index.js';

const EVENT = ['http', 'request', 'stop'];

interface Read {
  readonly metrics: CollectedMetric[];
  readonly series: Map<string, { series: CollectedSeries; value: number }>;
}

function read(agg: Aggregator): Read {
  const metrics: CollectedMetric[] = [];
  const series = new Map<string, { series: CollectedSeries; value: number }>();
  agg.collect({
    metric: (m) => void metrics.push(m),
    value: (m, s, value) => void series.set(`${m.definition.name} ${JSON.stringify(s.tags)}`, { series: s, value }),
    histogram: (m, s, r) => void series.set(`${m.definition.name} ${JSON.stringify(s.tags)}`, { series: s, value: r.total.count }),
  });
  return { metrics, series };
}

describe('idle series removal (idleSeriesMs)', () => {
  let clock: Clock;
  let telemetry: Telemetry;
  let agg: Aggregator | undefined;
  beforeEach(() => {
    clock = FakeTimers.install({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    telemetry = new Telemetry();
  });
  afterEach(async () => {
    await agg?.stop();
    agg = undefined;
    clock.uninstall();
  });

  // 10 s slices; idle after 30 s.
  function aggregator(extra: { maxSeriesPerMetric?: number } = {}): Aggregator {
    return new Aggregator(telemetry, {
      now: () => clock.now,
      idleSeriesMs: 30_000,
      ...extra,
      metrics: [counter('http.request.stop.count', { tags: ['route'] }), distribution('http.request.stop.duration', { tags: ['route'], unit: 'millisecond', reporterOptions: { buckets: [10] } })],
    });
  }

  it('removes a series nobody updated for idleSeriesMs from collect() and snapshots, and keeps the others', () => {
    agg = aggregator();
    telemetry.emit(EVENT, { duration: 5 }, { route: '/old' });
    for (let t = 0; t < 6; t++) {
      telemetry.emit(EVENT, { duration: 5 }, { route: '/live' });
      clock.tick(10_000);
    }
    const { series } = read(agg);
    expect([...series.keys()].sort()).to.deep.equal(['http.request.stop.count {"route":"/live"}', 'http.request.stop.duration {"route":"/live"}']);
    expect(agg.snapshot().metrics.map((m) => m.series.map((s) => s.tags.route))).to.deep.equal([['/live'], ['/live']]);
  });

  it('keeps a series until idleSeriesMs has passed since the slice of its last update ended', () => {
    agg = aggregator();
    clock.tick(9_999); // the end of a slice
    telemetry.emit(EVENT, { duration: 5 }, { route: '/a' });
    clock.tick(30_000); // 30 s after the update, 29.999 s after its slice ended
    expect(read(agg).series.size).to.equal(2);
    clock.tick(1); // a boundary 30 s after the slice ended
    expect(read(agg).series.size).to.equal(0);
  });

  it('counts removals in collect() (removedSeries, liveSeries) and emits one event per sweep', () => {
    const events = recordEvents(telemetry, [[...IDLE_SERIES_REMOVED_EVENT]]);
    agg = aggregator();
    for (const route of ['/a', '/b', '/c']) telemetry.emit(EVENT, { duration: 5 }, { route });
    clock.tick(40_000);
    const { metrics } = read(agg);
    expect(metrics.map((m) => [m.removedSeries, m.liveSeries])).to.deep.equal([
      [3, 0],
      [3, 0],
    ]);
    expect(events.map((e) => [e.measurements, e.metadata])).to.deep.equal([
      [{ series: 6, live: 0 }, { idleSeriesMs: 30_000, metrics: { 'http.request.stop.count': 3, 'http.request.stop.duration': 3 } }],
    ]);
  });

  it('starts a removed series that comes back fresh: counts from 0, a new series object with a later created', () => {
    agg = aggregator();
    for (let k = 0; k < 5; k++) telemetry.emit(EVENT, { duration: 5 }, { route: '/a' });
    const before = read(agg).series.get('http.request.stop.count {"route":"/a"}')!;
    expect([before.value, before.series.created]).to.deep.equal([5, 1_000_000]);
    clock.tick(60_000);
    telemetry.emit(EVENT, { duration: 5 }, { route: '/a' });
    const after = read(agg).series;
    const count = after.get('http.request.stop.count {"route":"/a"}')!;
    expect(count.value).to.equal(1);
    expect(count.series).to.not.equal(before.series);
    expect(count.series.created).to.equal(1_060_000);
    expect(after.get('http.request.stop.duration {"route":"/a"}')!.value).to.equal(1);
  });

  it('hands out the same series object, with the same created, while the series lives', () => {
    agg = aggregator();
    telemetry.emit(EVENT, { duration: 5 }, { route: '/a' });
    const first = read(agg).series.get('http.request.stop.count {"route":"/a"}')!.series;
    for (let t = 0; t < 10; t++) {
      clock.tick(10_000);
      telemetry.emit(EVENT, { duration: 5 }, { route: '/a' });
    }
    expect(read(agg).series.get('http.request.stop.count {"route":"/a"}')!.series).to.equal(first);
  });

  it('lets new tag sets take the place of removed ones under maxSeriesPerMetric instead of overflowing', () => {
    agg = aggregator({ maxSeriesPerMetric: 2 });
    for (const route of ['/a', '/b']) telemetry.emit(EVENT, { duration: 5 }, { route });
    clock.tick(40_000);
    for (const route of ['/c', '/d']) telemetry.emit(EVENT, { duration: 5 }, { route });
    const { metrics, series } = read(agg);
    expect(metrics.map((m) => m.overflowSeries)).to.deep.equal([0, 0]);
    expect([...series.keys()].filter((k) => k.startsWith('http.request.stop.count'))).to.deep.equal(['http.request.stop.count {"route":"/c"}', 'http.request.stop.count {"route":"/d"}']);
  });

  it('holds a bounded store under a steady churn of tag values (live series and histogram bytes stay flat)', () => {
    agg = aggregator({ maxSeriesPerMetric: 100_000 });
    const sizes: number[] = [];
    let next = 0;
    for (let second = 0; second < 300; second++) {
      for (let k = 0; k < 50; k++) telemetry.emit(EVENT, { duration: 1 + (k % 40) }, { route: `/u${next++}` });
      clock.tick(1_000);
      if (second % 60 === 59) sizes.push(agg.histogramBytes());
    }
    const { metrics } = read(agg);
    // 50 new values a second, removed 30-40 s after: at most 40 s worth live.
    expect(metrics[0].liveSeries).to.be.at.most(50 * 40);
    expect(metrics[0].removedSeries + metrics[0].liveSeries).to.equal(15_000);
    expect(Math.max(...sizes.slice(1))).to.be.at.most(sizes[0] * 1.05);
  });

  it('never removes a series without idleSeriesMs', () => {
    agg = new Aggregator(telemetry, { now: () => clock.now, metrics: [counter('http.request.stop.count', { tags: ['route'] })] });
    telemetry.emit(EVENT, {}, { route: '/a' });
    clock.tick(3_600_000);
    expect(read(agg).series.size).to.equal(1);
  });

  it('keeps each series created time through encode and Aggregator.restore', () => {
    agg = aggregator();
    telemetry.emit(EVENT, { duration: 5 }, { route: '/a' });
    clock.tick(5_000);
    telemetry.emit(EVENT, { duration: 5 }, { route: '/b' });
    const created = (a: Aggregator): number[] => [...read(a).series.values()].map((s) => s.series.created);
    expect(created(Aggregator.restore(agg.encode()))).to.deep.equal(created(agg));
    expect(created(agg)).to.deep.equal([1_000_000, 1_005_000, 1_000_000, 1_005_000]);
  });

  it('rejects an idleSeriesMs that is not a positive integer with a TypeError', () => {
    const metrics = [counter('http.request.stop.count')];
    expect(() => new Aggregator(telemetry, { metrics, idleSeriesMs: 0 })).to.throw(TypeError, /idleSeriesMs/);
    expect(() => new Aggregator(telemetry, { metrics, idleSeriesMs: 1.5 })).to.throw(TypeError, /idleSeriesMs/);
  });
});
