import { SpanStatusCode } from '@opentelemetry/api';
import { Telemetry, withCorrelation, type Measurements } from '@rx-telemetry/core';
import { expect } from 'chai';
import { bridgeSpans } from '../src/index.js';
import { hrToNs, inMemoryTracing, withContextManager } from './tracing.js';

describe('bridgeSpans: span mapping', () => {
  withContextManager();

  it('names the OTel span by the prefix joined with dots', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.span(['db', 'query', 'select'], {}, () => undefined);
    void bridge.stop();
    expect(tracing.finished().map((s) => s.name)).to.deep.equal(['db.query.select']);
  });

  it('starts the OTel span at the start event time', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    let start: Measurements | undefined;
    t.attach('start', ['job', 'start'], (_e, m) => (start = m));
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.span(['job'], {}, () => undefined);
    void bridge.stop();
    const startMs = Number(hrToNs(tracing.one('job').startTime)) / 1e6;
    // systemTime is the same clock reading, rounded to the millisecond.
    expect(Math.abs(startMs - (start?.systemTime ?? NaN))).to.be.at.most(0.5);
  });

  it('ends the OTel span exactly the stop event duration after its start', async () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    let stop: Measurements | undefined;
    t.attach('stop', ['job', 'stop'], (_e, m) => (stop = m));
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    await t.span(['job'], {}, async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
    });
    void bridge.stop();
    const span = tracing.one('job');
    expect(stop?.duration).to.be.greaterThan(0);
    expect(hrToNs(span.endTime) - hrToNs(span.startTime)).to.equal(BigInt(stop?.duration ?? -1));
  });

  it('sets an unset status on a span that returned', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.span(['ok'], {}, () => 1);
    void bridge.stop();
    expect(tracing.one('ok').status.code).to.equal(SpanStatusCode.UNSET);
  });

  it('copies primitive metadata values as attributes and leaves the rest out', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.span(['db', 'query'], { table: 'users', rows: 3, cached: false, filter: { id: 1 }, missing: undefined, none: null, big: 1n }, () => undefined);
    void bridge.stop();
    expect(tracing.one('db.query').attributes).to.deep.equal({ table: 'users', rows: 3, cached: false });
  });

  it('leaves core span ids out of the attributes (the OTel ids and parent link carry them)', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.span(['outer'], {}, () => t.span(['inner'], { k: 'v' }, () => undefined));
    void bridge.stop();
    expect(tracing.one('inner').attributes).to.deep.equal({ k: 'v' });
  });

  it('adds the correlationId as an attribute', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    withCorrelation('req-42', () => t.span(['handle'], {}, () => undefined));
    void bridge.stop();
    expect(tracing.one('handle').attributes.correlationId).to.equal('req-42');
  });

  it('adds metadata set through the span scope as attributes', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.span(['db', 'query'], { table: 'users' }, (scope) => scope.set({ rows: 7, plan: { seq: true } }));
    void bridge.stop();
    expect(tracing.one('db.query').attributes).to.include({ table: 'users', rows: 7 }).and.not.have.property('plan');
  });

  it('returns the callback result unchanged, sync and async', async () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    const sync = t.span(['a'], {}, () => 'sync');
    const async = await t.span(['b'], {}, async () => 'async');
    void bridge.stop();
    expect([sync, async, tracing.finished().length]).to.deep.equal(['sync', 'async', 2]);
  });

  it('gives concurrent spans their own OTel spans', async () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    await Promise.all([1, 2, 3].map((n) => t.span(['work'], { n }, async () => { await Promise.resolve(); })));
    void bridge.stop();
    const spans = tracing.finished();
    expect(spans.map((s) => s.attributes.n).sort()).to.deep.equal([1, 2, 3]);
    expect(new Set(spans.map((s) => s.spanContext().spanId)).size).to.equal(3);
  });

  it('keeps 3,000 concurrently open spans apart (more than the ring of open spans holds) and ends each at its own duration', async () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const durations = new Map<number, number>();
    t.attach('stop', ['many', 'stop'], (_e, m, md) => durations.set(md.n as number, m.duration));
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    const gates: (() => void)[] = [];
    const all = Array.from({ length: 3000 }, (_, n) => t.span(['many'], { n }, () => new Promise<void>((resolve) => gates.push(resolve))));
    // End them in an order unrelated to their start (and to their ring slots).
    for (let k = 0; k < gates.length; k++) gates[(k * 7919) % gates.length]();
    await Promise.all(all);
    void bridge.stop();
    const spans = tracing.finished();
    expect(spans).to.have.length(3000);
    expect(new Set(spans.map((s) => s.attributes.n)).size).to.equal(3000);
    for (const span of spans) {
      expect(span.status.code).to.not.equal(SpanStatusCode.ERROR);
      expect(hrToNs(span.endTime) - hrToNs(span.startTime)).to.equal(BigInt(durations.get(span.attributes.n as number) ?? -1));
    }
  });
});
