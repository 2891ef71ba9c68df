import { SpanStatusCode } from '@opentelemetry/api';
import FakeTimers from '@sinonjs/fake-timers';
import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { bridgeSpans } from '../src/index.js';
import { inMemoryTracing, withContextManager } from './tracing.js';

describe('bridgeSpans: detach', () => {
  withContextManager();

  it('ends every open span with status ERROR', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    void t.span(['a'], {}, () => new Promise<never>(() => undefined));
    void t.span(['b'], {}, () => new Promise<never>(() => undefined));
    expect(tracing.finished()).to.have.length(0);
    bridge.detach();
    const spans = tracing.finished();
    expect(spans.map((s) => [s.name, s.status.code, s.status.message])).to.deep.equal([
      ['a', SpanStatusCode.ERROR, 'bridge detached before the span ended'],
      ['b', SpanStatusCode.ERROR, 'bridge detached before the span ended'],
    ]);
  });

  it('stops bridging new spans', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    bridgeSpans(t, { tracer: tracing.tracer }).detach();
    t.span(['after'], {}, () => undefined);
    expect(tracing.finished()).to.have.length(0);
  });

  it('leaves idle spans free again (nothing observes them)', () => {
    const t = new Telemetry();
    const bridge = bridgeSpans(t, { tracer: inMemoryTracing().tracer });
    const whileBridged = t.span(['x'], {}, (scope) => scope.spanId);
    bridge.detach();
    const afterDetach = t.span(['x'], {}, (scope) => scope.spanId);
    // spanId 0 is the no-op scope core hands out when no handler or hook wants the span.
    expect([whileBridged > 0, afterDetach]).to.deep.equal([true, 0]);
  });

  it('clears its orphan timer', () => {
    const clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const bridge = bridgeSpans(new Telemetry(), { tracer: inMemoryTracing().tracer, orphanTimeoutMs: 1000 });
      const during = clock.countTimers();
      bridge.detach();
      expect([during, clock.countTimers()]).to.deep.equal([1, 0]);
    } finally {
      clock.uninstall();
    }
  });

  it('is idempotent', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    void t.span(['open'], {}, () => new Promise<never>(() => undefined));
    bridge.detach();
    bridge.detach();
    expect(tracing.finished()).to.have.length(1);
  });

  it('leaves a second bridge on the same telemetry working', () => {
    const t = new Telemetry();
    const first = inMemoryTracing();
    const second = inMemoryTracing();
    const a = bridgeSpans(t, { tracer: first.tracer });
    const b = bridgeSpans(t, { tracer: second.tracer });
    a.detach();
    t.span(['x'], {}, () => undefined);
    b.detach();
    expect([first.finished().length, second.finished().length]).to.deep.equal([0, 1]);
  });
});
