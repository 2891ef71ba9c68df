import { expect } from 'chai';
import { correlationId, currentSpanId, currentTraceContext, Telemetry, withCorrelation, withTraceparent } from '../src/index.js';

// A span enters its async context for the callback and restores the one it started in
// afterwards (span-events.ts does it with enterWith, not AsyncLocalStorage.run): on return, on a
// throw, inside other contexts, and on the hooked path.
function busWithHandlers(): Telemetry {
  const t = new Telemetry();
  t.attachMany('h', [['job', 'start'], ['job', 'stop'], ['job', 'exception']], () => undefined);
  return t;
}

describe('span context restore', () => {
  it('leaves no span current after a callback returns', () => {
    const t = busWithHandlers();
    const inside = t.spanEvent(['job']).run({}, (scope) => currentSpanId() === scope.spanId);
    expect([inside, currentSpanId()]).to.deep.equal([true, undefined]);
  });

  it('leaves no span current after a callback throws', () => {
    const t = busWithHandlers();
    expect(() => t.spanEvent(['job']).run({}, () => { throw new Error('boom'); })).to.throw('boom');
    expect(currentSpanId()).to.equal(undefined);
  });

  it('restores the enclosing span after a nested one returns and after one throws', () => {
    const t = busWithHandlers();
    const ev = t.spanEvent(['job']);
    const seen = ev.run({}, (outer) => {
      ev.run({}, () => 1);
      const afterReturn = currentSpanId();
      try {
        ev.run({}, () => { throw new Error('inner'); });
      } catch {
        // expected
      }
      return [outer.spanId, afterReturn, currentSpanId()];
    });
    expect(seen[1]).to.equal(seen[0]);
    expect(seen[2]).to.equal(seen[0]);
  });

  it('restores a withCorrelation context, id included, after the span', () => {
    const t = busWithHandlers();
    const seen = withCorrelation('req-1', () => {
      t.spanEvent(['job']).run({}, () => 1);
      return [correlationId(), currentSpanId()];
    });
    expect(seen).to.deep.equal(['req-1', undefined]);
  });

  it('restores a withTraceparent context, its remote trace included, after the span', () => {
    const t = busWithHandlers();
    const header = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const traceId = withTraceparent(header, () => {
      t.spanEvent(['job']).run({}, () => 1);
      return currentTraceContext()?.spanId;
    });
    expect(traceId).to.equal('00f067aa0ba902b7');
  });

  it('restores the context after a hooked span throws (a span-context hook bound)', () => {
    const t = busWithHandlers();
    let hookSaw: number | undefined;
    t.bindSpanContext((span, fn) => {
      hookSaw = span.spanId;
      return fn();
    });
    expect(() => t.spanEvent(['job']).run({}, () => { throw new Error('boom'); })).to.throw('boom');
    expect([typeof hookSaw, currentSpanId()]).to.deep.equal(['number', undefined]);
  });

  it('keeps the span current across await and restores the caller synchronously', async () => {
    const t = busWithHandlers();
    let id = 0;
    const pending = t.spanEvent(['job']).run({}, async (scope) => {
      id = scope.spanId;
      await new Promise((resolve) => setImmediate(resolve));
      return currentSpanId();
    });
    const callerSees = currentSpanId();
    expect([callerSees, await pending]).to.deep.equal([undefined, id]);
  });
});
