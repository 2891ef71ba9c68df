import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { bridgeSpans } from '../src/index.js';
import { inMemoryTracing, withContextManager } from './tracing.js';

describe('bridgeSpans: prefixes', () => {
  withContextManager();

  it('bridges only spans whose prefix starts with a listed prefix', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer, prefixes: [['db'], ['http', 'client']] });
    for (const p of [['db'], ['db', 'query'], ['http', 'client', 'get'], ['http', 'server'], ['dbx'], ['cache']]) t.span(p, {}, () => undefined);
    void bridge.stop();
    expect(tracing.finished().map((s) => s.name).sort()).to.deep.equal(['db', 'db.query', 'http.client.get']);
  });

  it('parents a bridged span to the nearest bridged ancestor across an unbridged one', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer, prefixes: [['app']] });
    t.span(['app', 'request'], {}, () => t.span(['cache', 'get'], {}, () => t.span(['app', 'render'], {}, () => undefined)));
    void bridge.stop();
    expect(tracing.one('app.render').parentSpanContext?.spanId).to.equal(tracing.one('app.request').spanContext().spanId);
  });

  it('bridges every span when prefixes is omitted', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    for (const p of [['a'], ['b', 'c'], ['d', 'e', 'f']]) t.span(p, {}, () => undefined);
    void bridge.stop();
    expect(tracing.finished().map((s) => s.name)).to.deep.equal(['a', 'b.c', 'd.e.f']);
  });

  it('is not affected by later changes to the prefixes array passed in', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const prefixes = [['db']];
    const bridge = bridgeSpans(t, { tracer: tracing.tracer, prefixes });
    prefixes[0][0] = 'http';
    t.span(['db', 'q'], {}, () => undefined);
    t.span(['http', 'q'], {}, () => undefined);
    void bridge.stop();
    expect(tracing.finished().map((s) => s.name)).to.deep.equal(['db.q']);
  });
});
