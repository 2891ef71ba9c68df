import { SpanStatusCode } from '@opentelemetry/api';
import { now, Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { bridgeSpans } from '../src/index.js';
import { hrToNs, inMemoryTracing, withContextManager } from './tracing.js';

// Spans a package opens by hand (a GPU dispatch runs from submit to done, outside any callback)
// with telemetry.startSpan() and ends with stop() or exception().
describe('bridgeSpans: spans opened by hand (startSpan)', () => {
  withContextManager();

  it('become OTel spans named by the prefix, with attributes, ending at start + duration', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    const start = now();
    const span = t.startSpan(['compute', 'kernel', 'dispatch'], { kernel: 'add' }, start);
    span.stop({}, { category: 'fast' }, start + 0.012345);
    void bridge.stop();
    const s = tracing.one('compute.kernel.dispatch');
    expect([s.attributes.kernel, s.attributes.category, hrToNs(s.endTime) - hrToNs(s.startTime)]).to.deep.equal(['add', 'fast', 12_345n]);
  });

  it('become children of the core span whose callback opened them', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.span(['job'], {}, () => {
      t.startSpan(['compute', 'kernel', 'dispatch']).stop();
    });
    void bridge.stop();
    const job = tracing.one('job');
    expect(tracing.one('compute.kernel.dispatch').parentSpanContext?.spanId).to.equal(job.spanContext().spanId);
  });

  it('record a failed end as an exception with status ERROR', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.startSpan(['compute', 'memory', 'transfer']).exception(new Error('map failed'));
    void bridge.stop();
    const span = tracing.one('compute.memory.transfer');
    expect([span.status.code, span.events.map((e) => e.name)]).to.deep.equal([SpanStatusCode.ERROR, ['exception']]);
  });

  it('are ended with status ERROR on stop() when they never ended', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.startSpan(['compute', 'kernel', 'dispatch']);
    void bridge.stop();
    expect(tracing.one('compute.kernel.dispatch').status.code).to.equal(SpanStatusCode.ERROR);
  });

  it('are skipped when their prefix is not bridged', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer, prefixes: [['db']] });
    t.startSpan(['compute', 'kernel', 'dispatch']).stop();
    void bridge.stop();
    expect(tracing.finished()).to.deep.equal([]);
  });
});
