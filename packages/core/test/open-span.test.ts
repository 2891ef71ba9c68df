import { expect } from 'chai';
import { Telemetry, withCorrelation, type SpanContextInfo, type SpanEndInfo } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

describe('spans opened by hand (startSpan / spanEvent().start)', () => {
  it('emit start then stop with the duration between the given times', () => {
    const t = new Telemetry();
    const seen = recordEvents(t, [['gpu', 'dispatch', 'start'], ['gpu', 'dispatch', 'stop']]);
    const span = t.startSpan(['gpu', 'dispatch'], { kernel: 'add' }, 100);
    span.stop({ gpuDuration: 7 }, { rows: 3 }, 100.5);
    expect(seen.map((e) => e.event)).to.deep.equal(['gpu.dispatch.start', 'gpu.dispatch.stop']);
    expect(seen[1].measurements).to.deep.equal({ duration: 500_000, monotonicTime: 100_500_000, gpuDuration: 7 });
    expect(seen[1].metadata).to.deep.include({ kernel: 'add', rows: 3, spanId: span.spanId });
  });

  it('never let extra measurements override duration or monotonicTime', () => {
    const t = new Telemetry();
    const seen = recordEvents(t, [['a', 'stop']]);
    t.startSpan(['a'], {}, 10).stop({ duration: 1, monotonicTime: 2 }, undefined, 11);
    expect(seen[0].measurements).to.deep.equal({ duration: 1_000_000, monotonicTime: 11_000_000 });
  });

  it('emit an exception event with kind, reason and stacktrace', () => {
    const t = new Telemetry();
    const seen = recordEvents(t, [['a', 'exception']]);
    const err = new Error('lost');
    t.startSpan(['a'], { k: 1 }).exception(err);
    expect(seen[0].metadata).to.deep.include({ kind: 'error', reason: err, k: 1 });
    expect(seen[0].metadata.stacktrace).to.match(/lost/);
  });

  it('carry measurements added before an exception (bytes of a failed transfer)', () => {
    const t = new Telemetry();
    const seen = recordEvents(t, [['a', 'exception']]);
    t.startSpan(['a'], {}, 1).measure({ bytes: 64 }).exception(new Error('x'), undefined, 2);
    expect(seen[0].measurements).to.deep.equal({ duration: 1_000_000, monotonicTime: 2_000_000, bytes: 64 });
  });

  it('ignore a second end', () => {
    const t = new Telemetry();
    const seen = recordEvents(t, [['a', 'stop'], ['a', 'exception']]);
    const span = t.startSpan(['a']);
    span.stop();
    span.exception(new Error('late'));
    span.stop();
    expect(seen.map((e) => e.event)).to.deep.equal(['a.stop']);
  });

  it('take the current span as parent and carry the correlation id', () => {
    const t = new Telemetry();
    const seen = recordEvents(t, [['inner', 'start'], ['outer', 'start']]);
    withCorrelation('c-1', () => t.span(['outer'], {}, () => t.startSpan(['inner']).stop()));
    expect(seen[1].metadata).to.deep.include({ parentSpanId: seen[0].metadata.spanId, correlationId: 'c-1' });
  });

  it('return a no-op span (id 0) when nobody observes', () => {
    const t = new Telemetry();
    const span = t.spanEvent(['quiet']).start({});
    expect([span.spanId, t.spanEvent(['quiet']).active]).to.deep.equal([0, false]);
  });

  it('are active through a span-context hook alone', () => {
    const t = new Telemetry();
    const ev = t.spanEvent(['x']);
    const before = ev.active;
    const off = t.bindSpanContext((_s, fn) => fn());
    const during = ev.active;
    off();
    expect([before, during, ev.active]).to.deep.equal([false, true, false]);
  });

  it('reach onStart, then onEnd with how they ended', () => {
    const t = new Telemetry();
    const seen: string[] = [];
    t.bindSpanContext((_s, fn) => fn(), {
      onStart: (s: SpanContextInfo) => seen.push(`start ${s.prefix.join('.')} ${s.spanId}`),
      onEnd: (e: SpanEndInfo) => seen.push(`end ${e.spanId} ${e.failed}`),
    });
    const span = t.startSpan(['gpu', 'dispatch']);
    span.exception(new Error('x'));
    expect(seen).to.deep.equal([`start gpu.dispatch ${span.spanId}`, `end ${span.spanId} true`]);
  });

  it('report a throwing onStart or onEnd as a handler failure instead of throwing', () => {
    const t = new Telemetry();
    const failures = recordEvents(t, [['telemetry', 'handler', 'failure']]);
    t.bindSpanContext((_s, fn) => fn(), {
      onStart: () => {
        throw new Error('start');
      },
      onEnd: () => {
        throw new Error('end');
      },
    });
    const span = t.startSpan(['gpu', 'dispatch']);
    expect(() => span.exception(new Error('x'))).not.to.throw();
    expect(failures.map((f) => [f.metadata.handlerId, f.metadata.event])).to.deep.equal([
      ['span-context', ['gpu', 'dispatch', 'start']],
      ['span-context', ['gpu', 'dispatch', 'exception']],
    ]);
  });

  it('run a callback as a span through spanEvent().run', () => {
    const t = new Telemetry();
    const seen = recordEvents(t, [['q', 'stop']]);
    const result = t.spanEvent(['q']).run({ table: 'users' }, (scope) => {
      scope.set({ rows: 2 });
      return 42;
    });
    expect([result, seen[0].metadata.rows, seen[0].metadata.table]).to.deep.equal([42, 2, 'users']);
  });
});

describe('enterSpan', () => {
  it('makes a span opened by hand the parent of spans started later in the same async flow', async () => {
    const t = new Telemetry();
    const seen = recordEvents(t, [['child', 'start']]);
    const { enterSpan } = await import('../src/index.js');
    let parentId = 0;
    await new Promise<void>((resolve) => {
      // A fresh async resource, as a request handler would be: enterWith must not leak into the test's own context.
      setImmediate(() => {
        t.attach('keep-req-observed', ['req', 'stop'], () => undefined);
        const parent = t.startSpan(['req'], {}, undefined);
        enterSpan(parent);
        parentId = parent.spanId;
        setImmediate(() => {
          t.span(['child'], {}, () => undefined);
          resolve();
        });
      });
    });
    expect([seen.length, seen[0]?.metadata.parentSpanId === parentId, parentId !== 0]).to.deep.equal([1, true, true]);
  });

  it('exposes an open span\'s W3C ids for an outgoing traceparent', () => {
    const t = new Telemetry();
    recordEvents(t, [['req', 'stop']]);
    const span = t.startSpan(['req']);
    expect(/^[0-9a-f]{32}$/.test(span.traceContext()?.traceId ?? '')).to.equal(true);
  });
});
