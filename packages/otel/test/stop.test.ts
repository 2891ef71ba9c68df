import { SpanStatusCode } from '@opentelemetry/api';
import FakeTimers from '@sinonjs/fake-timers';
import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { bridgeSpans } from '../src/index.js';
import { inMemoryTracing, withContextManager } from './tracing.js';

describe('bridgeSpans: stop', () => {
  withContextManager();

  it('ends every open span with status ERROR', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    void t.span(['a'], {}, () => new Promise<never>(() => undefined));
    void t.span(['b'], {}, () => new Promise<never>(() => undefined));
    expect(tracing.finished()).to.have.length(0);
    void bridge.stop();
    const spans = tracing.finished();
    expect(spans.map((s) => [s.name, s.status.code, s.status.message])).to.deep.equal([
      ['a', SpanStatusCode.ERROR, 'bridge stopped before the span ended'],
      ['b', SpanStatusCode.ERROR, 'bridge stopped before the span ended'],
    ]);
  });

  it('stops bridging new spans', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    void bridgeSpans(t, { tracer: tracing.tracer }).stop();
    t.span(['after'], {}, () => undefined);
    expect(tracing.finished()).to.have.length(0);
  });

  it('leaves idle spans free again (nothing observes them)', () => {
    const t = new Telemetry();
    const bridge = bridgeSpans(t, { tracer: inMemoryTracing().tracer });
    const whileBridged = t.span(['x'], {}, (scope) => scope.spanId);
    void bridge.stop();
    const afterDetach = t.span(['x'], {}, (scope) => scope.spanId);
    // spanId 0 is the no-op scope core hands out when no handler or hook wants the span.
    expect([whileBridged > 0, afterDetach]).to.deep.equal([true, 0]);
  });

  it('clears its orphan timer', () => {
    const clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const bridge = bridgeSpans(new Telemetry(), { tracer: inMemoryTracing().tracer, orphanTimeoutMs: 1000 });
      const during = clock.countTimers();
      void bridge.stop();
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
    void bridge.stop();
    void bridge.stop();
    expect(tracing.finished()).to.have.length(1);
  });

  it('leaves a second bridge on the same telemetry working', () => {
    const t = new Telemetry();
    const first = inMemoryTracing();
    const second = inMemoryTracing();
    const a = bridgeSpans(t, { tracer: first.tracer });
    const b = bridgeSpans(t, { tracer: second.tracer });
    void a.stop();
    t.span(['x'], {}, () => undefined);
    void b.stop();
    expect([first.finished().length, second.finished().length]).to.deep.equal([0, 1]);
  });

  it('returns the same promise from every call', async () => {
    const bridge = bridgeSpans(new Telemetry(), { tracer: inMemoryTracing().tracer });
    const first = bridge.stop();
    expect(bridge.stop()).to.equal(first);
    await first;
  });

  it('is stopped by telemetry.shutdown(): open spans ended, timer cleared, new spans not bridged', async () => {
    const clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const t = new Telemetry();
      const tracing = inMemoryTracing();
      bridgeSpans(t, { tracer: tracing.tracer, orphanTimeoutMs: 1000 });
      void t.span(['open'], {}, () => new Promise<never>(() => undefined));
      const report = await t.shutdown();
      t.span(['after'], {}, () => undefined);
      expect([report.stopped.some((n) => n.startsWith('otel-bridge-')), tracing.finished().map((s) => s.name), clock.countTimers()]).to.deep.equal([true, ['open'], 0]);
    } finally {
      clock.uninstall();
    }
  });

  it('keeps detach() as an alias of stop()', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    void t.span(['open'], {}, () => new Promise<never>(() => undefined));
    bridge.detach();
    t.span(['after'], {}, () => undefined);
    expect(tracing.finished().map((s) => s.name)).to.deep.equal(['open']);
  });
});
