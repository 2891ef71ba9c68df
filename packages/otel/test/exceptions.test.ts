import { SpanStatusCode } from '@opentelemetry/api';
import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { bridgeSpans } from '../src/index.js';
import { hrToNs, inMemoryTracing, withContextManager } from './tracing.js';

describe('bridgeSpans: exceptions', () => {
  withContextManager();

  it('records a thrown error as an exception event and status ERROR, and rethrows it', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    const boom = new RangeError('out of range');
    expect(() => t.span(['calc'], {}, () => { throw boom; })).to.throw(boom);
    void bridge.stop();
    const span = tracing.one('calc');
    expect(span.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: 'out of range' });
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.type'], e.attributes?.['exception.message']])).to.deep.equal([
      ['exception', 'RangeError', 'out of range'],
    ]);
  });

  it('records a rejected promise the same way', async () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    const failed = t.span(['fetch'], {}, async () => {
      await Promise.resolve();
      throw new Error('refused');
    });
    await failed.then(() => expect.fail('should reject'), (e: Error) => expect(e.message).to.equal('refused'));
    void bridge.stop();
    const span = tracing.one('fetch');
    expect([span.status.code, span.status.message, span.events[0]?.name]).to.deep.equal([SpanStatusCode.ERROR, 'refused', 'exception']);
  });

  it('records a thrown non-Error value by its string form', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    expect(() => t.span(['odd'], {}, () => { throw 42; })).to.throw();
    void bridge.stop();
    const span = tracing.one('odd');
    expect([span.status.message, span.events[0]?.attributes?.['exception.message']]).to.deep.equal(['42', '42']);
  });

  it('stamps the exception event at the span end time', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    expect(() => t.span(['calc'], {}, () => { throw new Error('x'); })).to.throw();
    void bridge.stop();
    const span = tracing.one('calc');
    expect(hrToNs(span.events[0].time)).to.equal(hrToNs(span.endTime));
  });
});
