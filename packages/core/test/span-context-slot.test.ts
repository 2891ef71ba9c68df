import { expect } from 'chai';
import { AsyncResource } from 'node:async_hooks';
import { contextSlot, storage } from '../src/context.js';
import { currentSpanId, enterSpan, Telemetry } from '../src/index.js';

// After its first span a process runs spans through the async resource itself (context.ts:
// contextSlot): parent read, entry and restore on the resource the callback was called on. These
// pin that this stays what AsyncLocalStorage.enterWith would do when the callback itself moves
// between async resources or changes the context.
function busWithHandlers(): Telemetry {
  const t = new Telemetry();
  t.attachMany('h', [['job', 'start'], ['job', 'stop'], ['job', 'exception'], ['inner', 'start'], ['inner', 'stop']], () => undefined);
  t.spanEvent(['job']).run({}, () => undefined); // the process's spans take the resource path from here
  return t;
}

describe('span context on the async resource', () => {
  it('takes the resource path after the first span where the storage keeps its value under kResourceStore', () => {
    busWithHandlers();
    const layout = typeof (storage as unknown as { kResourceStore?: unknown }).kResourceStore === 'symbol';
    expect(contextSlot() !== undefined).to.equal(layout);
  });

  it('restores the caller after a callback that ran a span inside another async resource scope', () => {
    const t = busWithHandlers();
    const resource = new AsyncResource('bench-scope');
    const seen = t.spanEvent(['job']).run({}, (outer) => {
      const inner = resource.runInAsyncScope(() => t.spanEvent(['inner']).run({}, (scope) => [scope.spanId, currentSpanId()]));
      return { outer: outer.spanId, inner, after: currentSpanId() };
    });
    expect(seen.inner[0]).to.equal(seen.inner[1]);
    expect(seen.after).to.equal(seen.outer);
    expect(currentSpanId()).to.equal(undefined);
  });

  it('undoes an enterSpan made inside the callback when the callback returns', () => {
    const t = busWithHandlers();
    const entered = t.spanEvent(['job']).run({}, () => {
      const opened = t.startSpan(['inner']);
      enterSpan(opened);
      return currentSpanId() === opened.spanId;
    });
    expect([entered, currentSpanId()]).to.deep.equal([true, undefined]);
  });

  it('leaves no span current after a callback threw from inside another async resource scope', () => {
    const t = busWithHandlers();
    const starts: unknown[] = [];
    t.attach('p', ['inner', 'start'], (_e, _m, md) => starts.push('parentSpanId' in md));
    const resource = new AsyncResource('throwing-scope');
    expect(() => t.spanEvent(['job']).run({}, () => resource.runInAsyncScope(() => { throw new Error('boom'); }))).to.throw('boom');
    t.spanEvent(['inner']).run({}, () => undefined);
    expect([currentSpanId(), starts]).to.deep.equal([undefined, [false]]);
  });

  it('gives nested spans their parent through the resource path', () => {
    const t = busWithHandlers();
    const parents: unknown[] = [];
    t.attach('p', ['inner', 'start'], (_e, _m, md) => parents.push(md.parentSpanId));
    const outerId = t.spanEvent(['job']).run({}, (outer) => {
      t.spanEvent(['inner']).run({}, () => undefined);
      return outer.spanId;
    });
    expect(parents).to.deep.equal([outerId]);
  });
});
