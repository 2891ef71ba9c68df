import { diag, DiagLogLevel, SpanStatusCode } from '@opentelemetry/api';
import FakeTimers, { type Clock } from '@sinonjs/fake-timers';
import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { bridgeSpans } from '../src/index.js';
import { inMemoryTracing, withContextManager } from './tracing.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('bridgeSpans: orphans', () => {
  withContextManager();
  let clock: Clock;
  beforeEach(() => {
    clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval'] });
  });
  afterEach(() => clock.uninstall());

  it('does not end a never-ending span before orphanTimeoutMs', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer, orphanTimeoutMs: 1000 });
    void t.span(['stuck'], {}, () => new Promise<never>(() => undefined));
    clock.tick(1000);
    expect(tracing.finished()).to.have.length(0);
    void bridge.stop();
  });

  it('ends a never-ending span with status ERROR within 1.25 x orphanTimeoutMs', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer, orphanTimeoutMs: 1000 });
    void t.span(['stuck'], {}, () => new Promise<never>(() => undefined));
    clock.tick(1250);
    void bridge.stop();
    const span = tracing.one('stuck');
    expect(span.status.code).to.equal(SpanStatusCode.ERROR);
    expect(span.status.message).to.match(/did not end within orphanTimeoutMs \(1000 ms\)/);
  });

  it('reaps only the spans that are old enough', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer, orphanTimeoutMs: 1000 });
    void t.span(['old'], {}, () => new Promise<never>(() => undefined));
    clock.tick(600);
    void t.span(['young'], {}, () => new Promise<never>(() => undefined));
    clock.tick(650);
    expect(tracing.finished().map((s) => s.name)).to.deep.equal(['old']);
    clock.tick(600);
    expect(tracing.finished().map((s) => s.name)).to.deep.equal(['old', 'young']);
    void bridge.stop();
  });

  it('ignores the late end of a span it already ended as an orphan', async () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const errors: string[] = [];
    diag.setLogger({ error: (m) => errors.push(m), warn: () => undefined, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.ERROR);
    try {
      const bridge = bridgeSpans(t, { tracer: tracing.tracer, orphanTimeoutMs: 1000 });
      const late = deferred();
      const span = t.span(['slow'], {}, () => late.promise);
      clock.tick(1250);
      late.resolve();
      await span;
      void bridge.stop();
      expect([tracing.finished().length, tracing.one('slow').status.code, errors]).to.deep.equal([1, SpanStatusCode.ERROR, []]);
    } finally {
      diag.disable();
    }
  });

  it('never reaps spans that ended in time', async () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer, orphanTimeoutMs: 1000 });
    for (let i = 0; i < 1000; i++) t.span(['quick'], {}, () => i);
    await t.span(['quick'], {}, async () => undefined);
    clock.tick(5000);
    void bridge.stop();
    const spans = tracing.finished();
    expect([spans.length, spans.filter((s) => s.status.code !== SpanStatusCode.UNSET).length]).to.deep.equal([1001, 0]);
  });

  it('starts no timer when orphanTimeoutMs is Infinity', () => {
    const t = new Telemetry();
    const bridge = bridgeSpans(t, { tracer: inMemoryTracing().tracer, orphanTimeoutMs: Infinity });
    expect(clock.countTimers()).to.equal(0);
    void bridge.stop();
  });
});

describe('bridgeSpans: orphan timer', () => {
  it('does not keep the process alive (the timer is unref\'d)', () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const bridge = bridgeSpans(new Telemetry(), { tracer: inMemoryTracing().tracer, orphanTimeoutMs: 1000 });
    const during = timers();
    void bridge.stop();
    expect(during).to.equal(before);
  });
});
