import { counter, distribution, lastValue, sum, summary, Telemetry } from '@rx-telemetry/core';
import FakeTimers, { type Clock } from '@sinonjs/fake-timers';
import { expect } from 'chai';
import fc from 'fast-check';
import hdr from 'hdr-histogram-js';
import { take, toArray, firstValueFrom } from 'rxjs';
import { Aggregator, SERIES_OVERFLOW_EVENT, type MetricSnapshot, type SeriesSnapshot } from '../src/index.js';

const EVENT = ['http', 'request', 'stop'];

function metric(agg: Aggregator, name: string): MetricSnapshot {
  const m = agg.snapshot().metrics.find((x) => x.name === name);
  if (m === undefined) throw new Error(`no metric ${name}`);
  return m;
}

function series(m: MetricSnapshot, tags: Record<string, string>): SeriesSnapshot {
  const s = m.series.find((x) => JSON.stringify(x.tags) === JSON.stringify(tags));
  if (s === undefined) throw new Error(`no series ${JSON.stringify(tags)} in ${m.name}`);
  return s;
}

// Fake timers move the clock and fire the aggregator's slice timer at each boundary.
function fakeClock(now = 0): Clock {
  return FakeTimers.install({ now, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
}

describe('Aggregator', () => {
  let telemetry: Telemetry;
  let agg: Aggregator | undefined;
  let clock: Clock | undefined;
  beforeEach(() => {
    telemetry = new Telemetry();
  });
  afterEach(async () => {
    await agg?.stop();
    clock?.uninstall();
    clock = undefined;
  });

  it('counts events per tag set', () => {
    agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count', { tags: ['route', 'status'] })] });
    for (let i = 0; i < 5; i++) telemetry.emit(EVENT, {}, { route: '/a', status: 200 });
    telemetry.emit(EVENT, {}, { route: '/b', status: 500 });
    const m = metric(agg, 'http.request.stop.count');
    expect(series(m, { route: '/a', status: '200' }).value).to.equal(5);
    expect(series(m, { route: '/b', status: '500' }).value).to.equal(1);
    expect(m.series).to.have.length(2);
  });

  it('adds up sums after unit conversion and keeps the last value', () => {
    agg = new Aggregator(telemetry, {
      metrics: [sum('http.request.stop.bytes', { unit: { from: 'byte', to: 'kilobyte' } }), lastValue('http.request.stop.queue')],
    });
    telemetry.emit(EVENT, { bytes: 1500, queue: 3 });
    telemetry.emit(EVENT, { bytes: 500, queue: 7 });
    expect(metric(agg, 'http.request.stop.bytes').series[0].value).to.equal(2);
    expect(metric(agg, 'http.request.stop.queue').series[0].value).to.equal(7);
  });

  it('gives exact count, sum, min, max and mean and HDR percentiles for a distribution', () => {
    agg = new Aggregator(telemetry, { metrics: [distribution('http.request.stop.duration', { unit: { from: 'millisecond', to: 'second' } })] });
    const h = hdr.build({ numberOfSignificantValueDigits: 2, bitBucketSize: 64 });
    let total = 0;
    for (let i = 1; i <= 1000; i++) {
      telemetry.emit(EVENT, { duration: i });
      h.recordValue(i * 1e6); // nanoseconds, the internal unit of a seconds metric
      total += i / 1000;
    }
    const t = series(metric(agg, 'http.request.stop.duration'), {}).total!;
    expect(t.count).to.equal(1000);
    expect(t.sum).to.be.closeTo(total, 1e-9);
    expect(t.min).to.equal(0.001);
    expect(t.max).to.equal(1);
    expect(t.mean).to.be.closeTo(total / 1000, 1e-12);
    expect(t.p50).to.equal(h.getValueAtPercentile(50) / 1e9);
    expect(t.p99).to.equal(h.getValueAtPercentile(99) / 1e9);
    expect(t.p999).to.equal(Math.min(1, h.getValueAtPercentile(99.9) / 1e9));
  });

  it('converts units exactly, dividing by the exact integer (1,000,123 ns is 1.000123 ms)', () => {
    agg = new Aggregator(telemetry, { metrics: [sum('http.request.stop.duration', { unit: { from: 'nanosecond', to: 'millisecond' } })] });
    telemetry.emit(EVENT, { duration: 1_000_123 });
    expect(metric(agg, 'http.request.stop.duration').series[0].value).to.equal(1.000123);
  });

  it('keeps the precision of values below 1 in the metric unit', () => {
    agg = new Aggregator(telemetry, { metrics: [distribution('http.request.stop.duration', { unit: 'second' }), summary('http.request.stop.ratio')] });
    telemetry.emit(EVENT, { duration: 0.00042, ratio: 0.25 });
    const d = metric(agg, 'http.request.stop.duration').series[0].total!;
    const r = metric(agg, 'http.request.stop.ratio').series[0].total!;
    expect(d.p50).to.be.closeTo(0.00042, 0.00042 * 0.01);
    expect(r.p50).to.be.closeTo(0.25, 0.25 * 0.01);
    expect(d.p50).to.be.greaterThan(0);
  });

  it('drops and counts events with a missing, non-finite or negative measurement or a missing tag', () => {
    agg = new Aggregator(telemetry, { metrics: [distribution('http.request.stop.duration', { tags: ['route'] })] });
    telemetry.emit(EVENT, {}, { route: '/a' });
    telemetry.emit(EVENT, { duration: Number.NaN }, { route: '/a' });
    telemetry.emit(EVENT, { duration: Number.POSITIVE_INFINITY }, { route: '/a' });
    telemetry.emit(EVENT, { duration: -1 }, { route: '/a' });
    telemetry.emit(EVENT, { duration: 5 }, {});
    telemetry.emit(EVENT, { duration: 5 }, { route: null });
    telemetry.emit(EVENT, { duration: 5 }, { route: '/a' });
    const snap = agg.snapshot();
    expect(snap.droppedEvents).to.equal(6);
    expect(snap.metrics[0].droppedEvents).to.equal(6);
    expect(snap.metrics[0].series[0].total!.count).to.equal(1);
  });

  it('never throws into the emitter when a user function throws, and keeps its handler attached', () => {
    agg = new Aggregator(telemetry, {
      metrics: [
        counter('http.request.stop.count', { keep: () => { throw new Error('boom'); } }),
        counter('http.request.stop.other', { eventName: EVENT }),
      ],
    });
    expect(() => telemetry.emit(EVENT, {})).not.to.throw();
    telemetry.emit(EVENT, {});
    expect(metric(agg, 'http.request.stop.count').droppedEvents).to.equal(2);
    expect(metric(agg, 'http.request.stop.other').series[0].value).to.equal(2);
  });

  it('applies keep/drop filters and tagValues functions', () => {
    agg = new Aggregator(telemetry, {
      metrics: [
        counter('http.request.stop.errors', { keep: (md) => md.status === 500 }),
        counter('http.request.stop.count', { tags: ['class'], tagValues: (md) => ({ class: `${String(md.status).slice(0, 1)}xx` }) }),
      ],
    });
    telemetry.emit(EVENT, {}, { status: 200 });
    telemetry.emit(EVENT, {}, { status: 201 });
    telemetry.emit(EVENT, {}, { status: 500 });
    expect(metric(agg, 'http.request.stop.errors').series[0].value).to.equal(1);
    const m = metric(agg, 'http.request.stop.count');
    expect(series(m, { class: '2xx' }).value).to.equal(2);
    expect(series(m, { class: '5xx' }).value).to.equal(1);
  });

  it('folds tag sets beyond maxSeriesPerMetric into one overflow series and counts them', () => {
    const seen: unknown[] = [];
    telemetry.attach('t', SERIES_OVERFLOW_EVENT, (_e, m, md) => seen.push({ ...m, ...md }));
    agg = new Aggregator(telemetry, { maxSeriesPerMetric: 3, metrics: [counter('http.request.stop.count', { tags: ['user'] })] });
    for (let i = 0; i < 10; i++) telemetry.emit(EVENT, {}, { user: `u${i}` });
    telemetry.emit(EVENT, {}, { user: 'u0' });
    const snap = agg.snapshot();
    const m = snap.metrics[0];
    expect(m.series).to.have.length(4);
    expect(series(m, { overflow: 'true' }).value).to.equal(7);
    expect(series(m, { user: 'u0' }).value).to.equal(2);
    expect(m.overflowSeries).to.equal(7);
    expect(snap.overflowSeries).to.equal(7);
    expect(seen).to.deep.equal([{ series: 3, metric: 'http.request.stop.count', maxSeriesPerMetric: 3 }]);
  });

  it('defaults maxSeriesPerMetric to 10,000', () => {
    agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count', { tags: ['user'] })] });
    for (let i = 0; i < 10_002; i++) telemetry.emit(EVENT, {}, { user: `u${i}` });
    const m = metric(agg, 'http.request.stop.count');
    expect([m.series.length, m.overflowSeries]).to.deep.equal([10_001, 2]);
  });

  it('defaults the window to 60 s in 6 slices', () => {
    clock = fakeClock();
    const c = clock;
    agg = new Aggregator(telemetry, { now: () => c.now, metrics: [summary('http.request.stop.duration')] });
    c.tick(9_999); // the end of the first 10 s slice
    telemetry.emit(EVENT, { duration: 1 });
    c.tick(50_000); // 59,999: the 6th slice, the first is still in the window
    expect(agg.snapshot().metrics[0].series[0].window!.count).to.equal(1);
    // A 7th slice: the whole first slice left the window, though its record is only 50 s old
    // (finer slices would still hold it).
    c.tick(1);
    const snap = agg.snapshot();
    expect([snap.windowMs, snap.metrics[0].series[0].window!.count]).to.deep.equal([60_000, 0]);
  });

  it('forgets window slices older than the window while keeping all-time stats', () => {
    clock = fakeClock(1_000_000);
    const c = clock;
    agg = new Aggregator(telemetry, { now: () => c.now, window: { durationMs: 60_000, slices: 6 }, metrics: [summary('http.request.stop.duration')] });
    telemetry.emit(EVENT, { duration: 100 });
    c.tick(30_000);
    telemetry.emit(EVENT, { duration: 200 });
    let s = agg.snapshot().metrics[0].series[0];
    expect(s.window!.count).to.equal(2);
    expect(s.window!.max).to.equal(200);
    c.tick(35_000); // the first slice is now older than 60 s
    s = agg.snapshot().metrics[0].series[0];
    expect(s.window!.count).to.equal(1);
    expect(s.window!.min).to.equal(200);
    c.tick(60_000);
    s = agg.snapshot().metrics[0].series[0];
    expect(s.window!.count).to.equal(0);
    expect(s.total!.count).to.equal(2);
    expect(s.total!.sum).to.equal(300);
  });

  it('reuses a slice for a new epoch without leaking the old counts', () => {
    clock = fakeClock();
    const c = clock;
    agg = new Aggregator(telemetry, { now: () => c.now, window: { durationMs: 2_000, slices: 2 }, metrics: [summary('http.request.stop.duration')] });
    telemetry.emit(EVENT, { duration: 1 });
    c.tick(2_000); // same slot, next lap
    telemetry.emit(EVENT, { duration: 9 });
    const { window: w, total } = agg.snapshot().metrics[0].series[0];
    expect(w!.count).to.equal(1);
    expect(w!.p50).to.equal(9);
    expect([total!.count, total!.min, total!.max, total!.sum]).to.deep.equal([2, 1, 9, 10]);
  });

  it('keeps all-time stats equal to one HDR histogram of every value, however the window rotates', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 5_000 })), { minLength: 1, maxLength: 300 }), (steps) => {
        const c = fakeClock();
        const t = new Telemetry();
        const a = new Aggregator(t, { now: () => c.now, window: { durationMs: 3_000, slices: 3 }, metrics: [distribution('a.b.v')] });
        const h = hdr.build({ numberOfSignificantValueDigits: 2, bitBucketSize: 64 });
        for (const [v, dt] of steps) {
          c.tick(dt);
          t.emit(['a', 'b'], { v: v / 1e6 }); // unitless metrics record millionths
          h.recordValue(v);
        }
        const total = a.snapshot().metrics[0].series[0].total!;
        void a.stop();
        c.uninstall();
        expect(total.count).to.equal(steps.length);
        expect(total.max).to.equal(Math.max(...steps.map(([v]) => v)) / 1e6);
        expect(total.p50).to.equal(Math.min(total.max, h.getValueAtPercentile(50) / 1e6));
        expect(total.p99).to.equal(Math.min(total.max, h.getValueAtPercentile(99) / 1e6));
      }),
      { numRuns: 100 },
    );
  });

  it('detaches its handlers on stop and keeps what it recorded readable', async () => {
    agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count')] });
    telemetry.emit(EVENT, {});
    await agg.stop();
    telemetry.emit(EVENT, {});
    expect(telemetry.listHandlers()).to.have.length(0);
    expect(agg.snapshot().metrics[0].series[0].value).to.equal(1);
  });

  it('attaches one handler per distinct event', () => {
    agg = new Aggregator(telemetry, {
      metrics: [counter('http.request.stop.count'), distribution('http.request.stop.duration'), counter('db.query.stop.count')],
    });
    expect(telemetry.listHandlers().map((h) => h.event.join('.')).sort()).to.deep.equal(['db.query.stop', 'http.request.stop']);
  });

  it('emits snapshots on an interval through snapshots()', async () => {
    agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count')] });
    telemetry.emit(EVENT, {});
    const snaps = await firstValueFrom(agg.snapshots(5).pipe(take(2), toArray()));
    expect(snaps).to.have.length(2);
    expect(snaps[1].metrics[0].series[0].value).to.equal(1);
    expect(snaps[1].timestamp).to.be.at.least(snaps[0].timestamp);
  });

  it('sends each snapshots() subscriber a last snapshot on stop() and completes it', async () => {
    agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count')] });
    const all = firstValueFrom(agg.snapshots(60_000).pipe(toArray()));
    telemetry.emit(EVENT, {});
    telemetry.emit(EVENT, {});
    await agg.stop();
    const snaps = await all;
    expect(snaps.map((s) => s.metrics[0].series[0].value)).to.deep.equal([2]);
    // Subscribing after stop gets the frozen data and completes at once.
    expect((await firstValueFrom(agg.snapshots(60_000).pipe(toArray()))).map((s) => s.metrics[0].series[0].value)).to.deep.equal([2]);
  });

  it('rejects bad options with a TypeError naming the problem', () => {
    const m = [counter('http.request.stop.count')];
    const live = (agg = new Aggregator(telemetry, { metrics: m }));
    expect(() => new Aggregator({} as Telemetry, { metrics: m })).to.throw(TypeError, /Telemetry instance/);
    expect(() => new Aggregator(telemetry, { metrics: [] })).to.throw(TypeError, /non-empty array/);
    expect(() => new Aggregator(telemetry, { metrics: m, significantDigits: 6 })).to.throw(TypeError, /significantDigits/);
    expect(() => new Aggregator(telemetry, { metrics: m, window: { durationMs: 5, slices: 10 } })).to.throw(TypeError, /slice/);
    expect(() => new Aggregator(telemetry, { metrics: m, maxSeriesPerMetric: 0 })).to.throw(TypeError, /maxSeriesPerMetric/);
    expect(() => new Aggregator(telemetry, { metrics: [m[0], m[0]] })).to.throw(TypeError, /defined twice/);
    expect(() => new Aggregator(telemetry, { metrics: [distribution('a.b', { reporterOptions: { buckets: [2, 1] } })] })).to.throw(TypeError, /increasing/);
    expect(() => new Aggregator(telemetry, { metrics: [{ name: 'x' }] as never })).to.throw(TypeError, /counter\(\)/);
    expect(() => new Aggregator(telemetry, { metrics: [counter('a.b.count', { tags: ['overflow'] })] })).to.throw(TypeError, /tag named "overflow", which is reserved/);
    expect(() => live.snapshots(0)).to.throw(TypeError, /snapshots\(intervalMs\)/);
    expect(() => live.snapshots(1.5)).to.throw(TypeError, /snapshots\(intervalMs\)/);
  });

  it('bounds the bytes of a windowed series by the powers of two it has seen: ~1 KB each, plus ~0.6 KB', () => {
    agg = new Aggregator(telemetry, { metrics: [distribution('http.request.stop.duration', { unit: { from: 'millisecond', to: 'second' } })] });
    for (let i = 0; i < 1000; i++) telemetry.emit(EVENT, { duration: 1 + (i % 50) }); // 1..50 ms: 6 powers of two (7 chunks)
    const bytes = agg.histogramBytes();
    // 128 buckets per chunk at 2 digits: a byte per slice (6) and 2 B all-time, per bucket; the
    // head (slice stats) and the chunk table add ~0.6 KB.
    expect(bytes).to.be.at.most(7 * 128 * (6 + 2) + 600);
    expect(bytes).to.be.at.least(6 * 128 * (6 + 2));
  });
});
