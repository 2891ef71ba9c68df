import { expect } from 'chai';
import { nextSpanId, Telemetry, type SpanContextInfo, type SpanEndInfo } from '../src/index.js';

function info(prefix: string[]): SpanContextInfo {
  return { prefix, spanId: nextSpanId(), parentSpanId: undefined, correlationId: undefined, metadata: {}, monotonicTime: 1, systemTime: 2 };
}

function end(spanId: number, failed = false): SpanEndInfo {
  return { spanId, duration: 5, monotonicTime: 6, failed, error: failed ? new Error('x') : undefined, metadata: undefined };
}

describe('spans reported by hand (reportSpanStart / reportSpanEnd)', () => {
  it('reach the hooks registered with onStart, then onEnd', () => {
    const t = new Telemetry();
    const seen: string[] = [];
    t.bindSpanContext((_s, fn) => fn(), { onStart: (s) => seen.push(`start ${s.spanId}`), onEnd: (e) => seen.push(`end ${e.spanId}`) });
    const span = info(['gpu', 'dispatch']);
    t.reportSpanStart(span);
    t.reportSpanEnd(['gpu', 'dispatch'], end(span.spanId));
    expect(seen).to.deep.equal([`start ${span.spanId}`, `end ${span.spanId}`]);
  });

  it('are observed only while a hook with onStart is registered', () => {
    const t = new Telemetry();
    const before = t.spansObserved;
    const plain = t.bindSpanContext((_s, fn) => fn());
    const withPlainHook = t.spansObserved;
    const off = t.bindSpanContext((_s, fn) => fn(), { onStart: () => undefined });
    const withOnStart = t.spansObserved;
    off();
    plain();
    expect([before, withPlainHook, withOnStart, t.spansObserved]).to.deep.equal([false, false, true, false]);
  });

  it('report a throwing onStart or onEnd as a handler failure instead of throwing', () => {
    const t = new Telemetry();
    const failures: unknown[] = [];
    t.attach('f', ['telemetry', 'handler', 'failure'], (_e, _m, md) => failures.push([md.handlerId, md.event]));
    t.bindSpanContext((_s, fn) => fn(), {
      onStart: () => {
        throw new Error('start');
      },
      onEnd: () => {
        throw new Error('end');
      },
    });
    const span = info(['gpu', 'dispatch']);
    expect(() => t.reportSpanStart(span)).not.to.throw();
    expect(() => t.reportSpanEnd(['gpu', 'dispatch'], end(span.spanId, true))).not.to.throw();
    expect(failures).to.deep.equal([
      ['span-context', ['gpu', 'dispatch', 'start']],
      ['span-context', ['gpu', 'dispatch', 'exception']],
    ]);
  });

  it('throw a TypeError for a non-function onStart', () => {
    const t = new Telemetry();
    expect(() => t.bindSpanContext((_s, fn) => fn(), { onStart: 1 as unknown as () => void })).to.throw(TypeError, /onStart/);
  });
});
