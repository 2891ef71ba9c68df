import { counter, currentTraceContext, distribution, sum, summary, Telemetry, withTraceparent, type TraceContext } from '@rx-telemetry/core';
import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { Aggregator, type Exemplar } from '../src/index.js';

const EVENT = ['http', 'request', 'stop'];
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const header = (span: string): string => `00-${TRACE}-${span}-01`;
const SPAN_A = '00f067aa0ba902b7';
const SPAN_B = '00f067aa0ba902b8';

type Plain = { value: number; traceId: string; spanId: string; timestamp: number } | undefined;
const plain = (e: Exemplar | undefined): Plain => (e === undefined ? undefined : { value: e.value, traceId: e.traceId, spanId: e.spanId, timestamp: e.timestamp });

function metrics() {
  return [
    counter('http.request.stop.count', { tags: ['route'] }),
    distribution('http.request.stop.duration', { tags: ['route'], unit: 'millisecond', reporterOptions: { buckets: [10, 100] } }),
    summary('http.request.stop.latency', { measurement: 'duration', unit: 'millisecond' }),
    sum('http.request.stop.bytes'),
  ];
}

/** Every exemplar as plain data: counters by series, distributions by series and bucket. */
function exemplars(agg: Aggregator): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  agg.collect({
    value: (m, s, _v, e) => void (out[`${m.definition.name} ${s.tags.route ?? ''}`] = plain(e)),
    histogram: (m, s, r) => {
      for (let j = 0; j <= (m.buckets?.length ?? 0); j++) out[`${m.definition.name} ${s.tags.route ?? ''} ${j}`] = plain(r.exemplar(j));
    },
  });
  return out;
}

describe('exemplars', () => {
  it('keep per distribution bucket and per counter series the latest record made in a span: value, trace and span id, timestamp', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { exemplars: true, metrics: metrics() });
    const before = Date.now();
    withTraceparent(header(SPAN_A), () => telemetry.emit(EVENT, { duration: 5, bytes: 1 }, { route: '/a' }));
    withTraceparent(header(SPAN_A), () => telemetry.emit(EVENT, { duration: 50, bytes: 1 }, { route: '/a' }));
    withTraceparent(header(SPAN_B), () => telemetry.emit(EVENT, { duration: 7, bytes: 1 }, { route: '/a' }));
    const after = Date.now();
    const got = exemplars(agg);
    const at = (e: Plain): number => e?.timestamp ?? NaN;
    for (const k of ['http.request.stop.count /a', 'http.request.stop.duration /a 0', 'http.request.stop.duration /a 1']) {
      expect(at(got[k])).to.be.within(before - 1000, after + 1000); // events without monotonicTime: to the second
    }
    const ex = (value: number, spanId: string, e: Plain): Plain => ({ value, traceId: TRACE, spanId, timestamp: e?.timestamp ?? NaN });
    expect(got).to.deep.equal({
      'http.request.stop.count /a': ex(1, SPAN_B, got['http.request.stop.count /a']),
      'http.request.stop.duration /a 0': ex(7, SPAN_B, got['http.request.stop.duration /a 0']),
      'http.request.stop.duration /a 1': ex(50, SPAN_A, got['http.request.stop.duration /a 1']),
      'http.request.stop.duration /a 2': undefined,
      'http.request.stop.latency  0': undefined, // summaries keep none
      'http.request.stop.bytes ': undefined, // nor sums
    });
    await agg.stop();
  });

  it("take the span's ids and its stop time when recorded from the span's own stop event", async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { exemplars: true, metrics: [distribution('db.query.stop.duration', { unit: { from: 'nanosecond', to: 'millisecond' } })] });
    let stop: { monotonicTime: number } | undefined;
    telemetry.attach('t', ['db', 'query', 'stop'], (_e, m) => void (stop = m as { monotonicTime: number }));
    let ids: TraceContext | undefined;
    telemetry.spanEvent(['db', 'query']).run({}, () => void (ids = currentTraceContext()));
    let got: Plain;
    agg.collect({ histogram: (_m, _s, r) => void (got = plain(r.exemplar(0))) });
    expect(got).to.deep.equal({ value: got!.value, traceId: ids!.traceId, spanId: ids!.spanId, timestamp: Math.round(performance.timeOrigin + stop!.monotonicTime / 1e6) });
    expect(got!.value).to.be.greaterThan(0);
    await agg.stop();
  });

  it('are not kept for records made outside any span, which still count', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { exemplars: true, metrics: metrics() });
    telemetry.emit(EVENT, { duration: 5, bytes: 1 }, { route: '/a' });
    expect(Object.values(exemplars(agg)).every((e) => e === undefined)).to.equal(true);
    expect(agg.snapshot().metrics[0].series[0].value).to.equal(1);
    await agg.stop();
  });

  it('are off by default', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: metrics() });
    withTraceparent(header(SPAN_A), () => telemetry.emit(EVENT, { duration: 5, bytes: 1 }, { route: '/a' }));
    expect(Object.values(exemplars(agg)).every((e) => e === undefined)).to.equal(true);
    await agg.stop();
  });

  it('are kept per series for a distribution without bounds (bucket 0), and undefined for a bucket out of range', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { exemplars: true, metrics: [distribution('http.request.stop.duration', { unit: 'millisecond' })] });
    withTraceparent(header(SPAN_A), () => telemetry.emit(EVENT, { duration: 5 }));
    const got: Plain[] = [];
    agg.collect({ histogram: (_m, _s, r) => void got.push(plain(r.exemplar(0)), plain(r.exemplar(1)), plain(r.exemplar(-1))) });
    expect(got.map((e) => e?.spanId)).to.deep.equal([SPAN_A, undefined, undefined]);
    await agg.stop();
  });

  it('start empty again for a series removed as idle that comes back', async () => {
    const clock = FakeTimers.install({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const telemetry = new Telemetry();
      const agg = new Aggregator(telemetry, { exemplars: true, idleSeriesMs: 10_000, now: () => clock.now, metrics: metrics() });
      withTraceparent(header(SPAN_A), () => telemetry.emit(EVENT, { duration: 5, bytes: 1 }, { route: '/a' }));
      clock.tick(30_000);
      telemetry.emit(EVENT, { duration: 5, bytes: 1 }, { route: '/a' });
      expect([exemplars(agg)['http.request.stop.count /a'], exemplars(agg)['http.request.stop.duration /a 0']]).to.deep.equal([undefined, undefined]);
      await agg.stop();
    } finally {
      clock.uninstall();
    }
  });

  it('rejects an exemplars option that is not a boolean with a TypeError', () => {
    expect(() => new Aggregator(new Telemetry(), { metrics: metrics(), exemplars: 'yes' as unknown as boolean })).to.throw(TypeError, /exemplars/);
  });
});
