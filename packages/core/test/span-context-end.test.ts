import { expect } from 'chai';
import { HANDLER_FAILURE_EVENT, Telemetry, type Measurements, type Metadata, type SpanEndInfo } from '../src/index.js';

describe('bindSpanContext onEnd', () => {
  it('reports a returned span with the duration and end time of its stop event', () => {
    const t = new Telemetry();
    const ends: SpanEndInfo[] = [];
    let stop: Measurements | undefined;
    t.attach('stop', ['x', 'stop'], (_e, m) => (stop = m));
    t.bindSpanContext((_s, fn) => fn(), { onEnd: (end) => ends.push(end) });
    const spanId = t.span(['x'], {}, (scope) => scope.spanId);
    expect(ends).to.have.length(1);
    expect([ends[0].spanId, ends[0].duration, ends[0].monotonicTime, ends[0].failed]).to.deep.equal([spanId, stop?.duration, stop?.monotonicTime, false]);
  });

  it('reports a thrown error as failed, with the error', () => {
    const t = new Telemetry();
    const ends: SpanEndInfo[] = [];
    t.bindSpanContext((_s, fn) => fn(), { onEnd: (end) => ends.push(end) });
    const boom = new Error('boom');
    expect(() => t.span(['x'], {}, () => { throw boom; })).to.throw(boom);
    expect([ends[0].failed, ends[0].error]).to.deep.equal([true, boom]);
  });

  it('reports an async span once its promise rejects', async () => {
    const t = new Telemetry();
    const ends: SpanEndInfo[] = [];
    t.bindSpanContext((_s, fn) => fn(), { onEnd: (end) => ends.push(end) });
    const p = t.span(['x'], {}, async () => { await Promise.resolve(); throw new Error('late'); });
    expect(ends).to.have.length(0);
    await p.catch(() => undefined);
    expect([ends.length, ends[0].failed, (ends[0].error as Error).message]).to.deep.equal([1, true, 'late']);
  });

  it('passes what the callback added with scope.set()', () => {
    const t = new Telemetry();
    const ends: SpanEndInfo[] = [];
    t.bindSpanContext((_s, fn) => fn(), { onEnd: (end) => ends.push(end) });
    t.span(['x'], {}, (scope) => scope.set({ rows: 3 }));
    expect(ends[0].metadata).to.deep.equal({ rows: 3 });
  });

  it('is not called once its hook is unregistered', () => {
    const t = new Telemetry();
    let calls = 0;
    const off = t.bindSpanContext((_s, fn) => fn(), { onEnd: () => calls++ });
    t.span(['x'], {}, () => undefined);
    off();
    t.span(['x'], {}, () => undefined);
    expect(calls).to.equal(1);
  });

  it('reports a throwing onEnd as a handler failure and still returns the span result', () => {
    const t = new Telemetry();
    const failures: Metadata[] = [];
    let otherCalls = 0;
    t.attach('f', HANDLER_FAILURE_EVENT, (_e, _m, md) => failures.push(md));
    t.bindSpanContext((_s, fn) => fn(), { onEnd: () => { throw new Error('bad onEnd'); } });
    t.bindSpanContext((_s, fn) => fn(), { onEnd: () => otherCalls++ });
    expect(t.span(['x'], {}, () => 42)).to.equal(42);
    expect([failures.length, failures[0].handlerId, (failures[0].error as Error).message, otherCalls]).to.deep.equal([1, 'span-context', 'bad onEnd', 1]);
  });

  it('rejects an onEnd that is not a function', () => {
    const t = new Telemetry();
    expect(() => t.bindSpanContext((_s, fn) => fn(), { onEnd: 5 as unknown as () => void })).to.throw(TypeError, /onEnd must be a function/);
  });
});
