import { counter, distribution, lastValue, summary, Telemetry } from '@rx-telemetry/core';
import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import fc from 'fast-check';
import { Aggregator, type CollectedMetric, type HistogramReading, type MetricsVisitor } from '../src/index.js';

const EVENT = ['http', 'request', 'stop'];

function metrics() {
  return [
    counter('http.request.stop.count', { tags: ['route'] }),
    lastValue('http.request.stop.queue'),
    distribution('http.request.stop.duration', { tags: ['route'], unit: 'millisecond', reporterOptions: { buckets: [10, 100] } }),
    summary('http.request.stop.latency', { measurement: 'duration', unit: 'millisecond' }),
  ];
}

describe('Aggregator.collect', () => {
  it('hands every series to the visitor with the values, stats and exact cumulative counts a snapshot has', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: metrics() });
    for (const [duration, route] of [[5, '/a'], [10, '/a'], [50, '/b'], [500, '/a']] as const) telemetry.emit(EVENT, { duration, queue: duration }, { route });
    const seen: unknown[] = [];
    agg.collect({
      metric: (m) => void seen.push(['metric', m.definition.name, m.buckets ?? null]),
      value: (m, s, v) => void seen.push([m.definition.name, s.tags, v]),
      histogram: (m, s, r) => void seen.push([m.definition.name, s.tags, r.total.stats(), r.window.stats(), r.cumulativeCounts([])]),
    });
    const snap = agg.snapshot();
    const d = snap.metrics[2].series;
    expect(seen).to.deep.equal([
      ['metric', 'http.request.stop.count', null],
      ['http.request.stop.count', { route: '/a' }, 3],
      ['http.request.stop.count', { route: '/b' }, 1],
      ['metric', 'http.request.stop.queue', null],
      ['http.request.stop.queue', {}, 500],
      ['metric', 'http.request.stop.duration', [10, 100]],
      ['http.request.stop.duration', { route: '/a' }, d[0].total, d[0].window, [2, 2]],
      ['http.request.stop.duration', { route: '/b' }, d[1].total, d[1].window, [0, 1]],
      ['metric', 'http.request.stop.latency', null],
      ['http.request.stop.latency', {}, snap.metrics[3].series[0].total, snap.metrics[3].series[0].window, []],
    ]);
    await agg.stop();
  });

  it('gives count, sum, min, max and percentiles of the total and of the window without building stats', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [summary('a.b.v')] });
    for (let v = 1; v <= 100; v++) telemetry.emit(['a', 'b'], { v });
    let got: number[] = [];
    agg.collect({
      histogram: (_m, _s, r) => {
        got = [r.total.count, r.total.sum, r.total.min, r.total.max, r.window.count, ...r.window.percentiles([50, 99], [])];
      },
    });
    const w = agg.snapshot().metrics[0].series[0].window!;
    expect(got).to.deep.equal([100, 5050, 1, 100, 100, w.p50, w.p99]);
    await agg.stop();
  });

  it("skips a metric's series when metric() returns false", async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: metrics() });
    telemetry.emit(EVENT, { duration: 5, queue: 1 }, { route: '/a' });
    let series = 0;
    agg.collect({ metric: () => false, value: () => void series++, histogram: () => void series++ });
    expect(series).to.equal(0);
    await agg.stop();
  });

  it('makes a histogram reading kept past its call throw instead of reading another series', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [summary('a.b.v', { tags: ['k'] })] });
    telemetry.emit(['a', 'b'], { v: 1 }, { k: 'x' });
    telemetry.emit(['a', 'b'], { v: 2 }, { k: 'y' });
    let kept: HistogramReading | undefined;
    agg.collect({ histogram: (_m, _s, r) => void (kept ??= r) });
    expect(() => kept!.total.count).to.throw(Error, /valid only during the visitor call/);
    await agg.stop();
  });

  it('hands out the same metric and series objects on every read, to cache by', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: metrics() });
    telemetry.emit(EVENT, { duration: 5, queue: 1 }, { route: '/a' });
    const read = (): unknown[] => {
      const out: unknown[] = [];
      agg.collect({ metric: (m) => void out.push(m), value: (_m, s) => void out.push(s), histogram: (_m, s) => void out.push(s) });
      return out;
    };
    const first = read();
    read().forEach((x, i) => expect(x).to.equal(first[i]));
    await agg.stop();
  });

  it('rejects a visitor that is not an object with a TypeError', async () => {
    const agg = new Aggregator(new Telemetry(), { metrics: metrics() });
    expect(() => agg.collect(null as unknown as MetricsVisitor)).to.throw(TypeError, /visitor/);
    await agg.stop();
  });
});

describe('a read changes nothing', () => {
  it('two snapshots and two encodings at the same instant are identical, even across a slice boundary the timer has not reached', async () => {
    let clock = 0;
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { now: () => clock, window: { durationMs: 3_000, slices: 3 }, metrics: metrics() });
    telemetry.emit(EVENT, { duration: 5, queue: 1 }, { route: '/a' });
    clock = 2_500;
    const snap = (): string => JSON.stringify({ ...agg.snapshot(), timestamp: 0 });
    const enc = (): string => JSON.stringify({ ...(JSON.parse(agg.encode()) as object), timestamp: 0 });
    expect([snap(), enc()]).to.deep.equal([snap(), enc()]);
    await agg.stop();
  });

  it('reading between records never changes what a later read sees (property, fake timers)', () => {
    type Step = { kind: 'emit'; v: number } | { kind: 'wait'; ms: number } | { kind: 'read' };
    const step = fc.oneof(
      fc.record({ kind: fc.constant('emit' as const), v: fc.integer({ min: 0, max: 1000 }) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 2_500 }) }),
      fc.record({ kind: fc.constant('read' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const clock = FakeTimers.install({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
        try {
          const quiet = new Telemetry();
          const readBus = new Telemetry();
          const options = { now: () => clock.now, window: { durationMs: 3_000, slices: 3 }, metrics: [summary('a.b.v'), counter('a.b.count')] };
          const a = new Aggregator(quiet, options);
          const b = new Aggregator(readBus, options);
          const noop: MetricsVisitor = { metric: (_m: CollectedMetric) => true, value: () => undefined, histogram: (_m, _s, r) => void r.window.percentiles([50], []) };
          for (const s of steps) {
            if (s.kind === 'emit') {
              quiet.emit(['a', 'b'], { v: s.v });
              readBus.emit(['a', 'b'], { v: s.v });
            } else if (s.kind === 'wait') clock.tick(s.ms);
            else {
              b.snapshot();
              b.collect(noop);
              b.encode();
            }
          }
          const strip = (x: Aggregator): string => JSON.stringify({ ...x.snapshot(), timestamp: 0 });
          expect(strip(b)).to.equal(strip(a));
          void a.stop();
          void b.stop();
        } finally {
          clock.uninstall();
        }
      }),
      { numRuns: 100 },
    );
  });
});
