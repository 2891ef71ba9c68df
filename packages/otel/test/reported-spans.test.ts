import { SpanStatusCode } from '@opentelemetry/api';
import { monotonicTime, nextSpanId, Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { bridgeSpans } from '../src/index.js';
import { hrToNs, inMemoryTracing, withContextManager } from './tracing.js';

// Spans a package emits by hand (a GPU dispatch runs from submit to done, outside any callback)
// and reports with telemetry.reportSpanStart / reportSpanEnd.
function report(t: Telemetry, prefix: string[], parentSpanId?: number): { spanId: number; startNs: number } {
  const spanId = nextSpanId();
  const startNs = monotonicTime();
  t.reportSpanStart({ prefix, spanId, parentSpanId, correlationId: 'c-1', metadata: { kernel: 'add', spanId }, monotonicTime: startNs, systemTime: Date.now() });
  return { spanId, startNs };
}

describe('bridgeSpans: spans reported by hand', () => {
  withContextManager();

  it('become OTel spans named by the prefix, with attributes, ending at start + duration', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    const { spanId, startNs } = report(t, ['compute', 'kernel', 'dispatch']);
    t.reportSpanEnd(['compute', 'kernel', 'dispatch'], { spanId, duration: 12_345, monotonicTime: startNs + 12_345, failed: false, error: undefined, metadata: { category: 'fast' } });
    bridge.detach();
    const span = tracing.one('compute.kernel.dispatch');
    expect([span.attributes.kernel, span.attributes.category, hrToNs(span.endTime) - hrToNs(span.startTime)]).to.deep.equal(['add', 'fast', 12_345n]);
  });

  it('become children of the core span whose callback reported them', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.span(['job'], {}, () => {
      const { spanId, startNs } = report(t, ['compute', 'kernel', 'dispatch']);
      t.reportSpanEnd(['compute', 'kernel', 'dispatch'], { spanId, duration: 10, monotonicTime: startNs + 10, failed: false, error: undefined, metadata: undefined });
    });
    bridge.detach();
    const job = tracing.one('job');
    expect(tracing.one('compute.kernel.dispatch').parentSpanContext?.spanId).to.equal(job.spanContext().spanId);
  });

  it('record a failed end as an exception with status ERROR', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    const { spanId, startNs } = report(t, ['compute', 'memory', 'transfer']);
    t.reportSpanEnd(['compute', 'memory', 'transfer'], { spanId, duration: 10, monotonicTime: startNs + 10, failed: true, error: new Error('map failed'), metadata: undefined });
    bridge.detach();
    const span = tracing.one('compute.memory.transfer');
    expect([span.status.code, span.events.map((e) => e.name)]).to.deep.equal([SpanStatusCode.ERROR, ['exception']]);
  });

  it('are ended with status ERROR on detach when they never ended', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    report(t, ['compute', 'kernel', 'dispatch']);
    bridge.detach();
    expect(tracing.one('compute.kernel.dispatch').status.code).to.equal(SpanStatusCode.ERROR);
  });

  it('are skipped when their prefix is not bridged', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer, prefixes: [['db']] });
    const { spanId, startNs } = report(t, ['compute', 'kernel', 'dispatch']);
    t.reportSpanEnd(['compute', 'kernel', 'dispatch'], { spanId, duration: 10, monotonicTime: startNs + 10, failed: false, error: undefined, metadata: undefined });
    bridge.detach();
    expect(tracing.finished()).to.deep.equal([]);
  });
});
