// Issue 14, items 1, 12, 13: telemetry never kills the host nor changes what instrumented code does.
import { expect } from 'chai';
import { firstValueFrom, timer } from 'rxjs';
import { Telemetry } from '../../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

function failures(t: Telemetry) {
  return recordEvents(t, [['telemetry', 'handler', 'failure']]);
}

// Lets pending promise reactions run (a rejection handler is a microtask away).
const settle = (): Promise<number> => firstValueFrom(timer(0));

describe('adversarial: async handlers and subscribers', () => {
  it('reports a rejecting async handler as a handler failure and detaches it', async () => {
    const t = new Telemetry();
    const seen = failures(t);
    t.attach('async', ['a'], async () => {
      throw new Error('rejected');
    });
    t.emit(['a'], {});
    await settle();
    expect([seen.map((f) => (f.metadata.error as Error).message), t.listHandlers(['a']).length]).to.deep.equal([['rejected'], 0]);
  });

  it('keeps a rejecting async handler attached with onFailure: keep', async () => {
    const t = new Telemetry();
    const seen = failures(t);
    t.attach('async', ['a'], async () => Promise.reject(new Error('again')), undefined, { onFailure: 'keep' });
    t.emit(['a'], {});
    t.emit(['a'], {});
    await settle();
    expect([seen.length, t.listHandlers(['a']).length]).to.deep.equal([2, 1]);
  });

  it('reports a rejecting async events() subscriber and unsubscribes it', async () => {
    const t = new Telemetry();
    const seen = failures(t);
    let calls = 0;
    t.events(['a']).subscribe(async () => {
      calls++;
      throw new Error('async consumer');
    });
    t.emit(['a'], {});
    await settle();
    t.emit(['a'], {});
    await settle();
    expect([calls, seen.map((f) => (f.metadata.error as Error).message)]).to.deep.equal([1, ['async consumer']]);
  });
});

describe('adversarial: span never changes program behaviour', () => {
  const hostile: Array<[string, () => unknown]> = [
    ['null metadata', () => null],
    ['a throwing getter', () => ({ get boom(): never { throw new Error('getter'); } })],
    ['a throwing Proxy', () => new Proxy({}, { ownKeys: () => { throw new Error('proxy'); } })],
  ];
  for (const [label, make] of hostile) {
    it(`runs the callback once and returns its result with ${label} as metadata while someone listens`, () => {
      const t = new Telemetry();
      recordEvents(t, [['s', 'start'], ['s', 'stop']]);
      let runs = 0;
      const result = t.span(['s'], make() as Record<string, unknown>, () => {
        runs++;
        return 'ok';
      });
      expect([runs, result]).to.deep.equal([1, 'ok']);
    });
  }

  it('reports hostile metadata as a failure', () => {
    const t = new Telemetry();
    const seen = failures(t);
    recordEvents(t, [['s', 'stop']]);
    t.span(['s'], new Proxy({}, { ownKeys: () => { throw new Error('proxy'); } }), () => 1);
    expect(seen.map((f) => f.metadata.handlerId)).to.deep.equal(['span']);
  });

  it('passes the callback\'s own error through unchanged with hostile metadata', () => {
    const t = new Telemetry();
    recordEvents(t, [['s', 'exception']]);
    const mine = new Error('mine');
    const thrown = (() => {
      try {
        t.span(['s'], new Proxy({}, { ownKeys: () => { throw new Error('proxy'); } }), () => {
          throw mine;
        });
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).to.equal(mine);
  });

  it('runs the callback once when a span-context hook throws before calling it', () => {
    const t = new Telemetry();
    const seen = failures(t);
    t.bindSpanContext(() => {
      throw new Error('hook');
    });
    let runs = 0;
    const result = t.span(['s'], {}, () => ++runs);
    expect([runs, result, seen.length]).to.deep.equal([1, 1, 1]);
  });

  it('returns the callback\'s result when a hook throws after calling it', () => {
    const t = new Telemetry();
    t.bindSpanContext((_s, fn) => {
      fn();
      throw new Error('hook after');
    });
    let runs = 0;
    expect([t.span(['s'], {}, () => ++runs), runs]).to.deep.equal([1, 1]);
  });

  it('survives metadata set() to a throwing Proxy at stop', () => {
    const t = new Telemetry();
    recordEvents(t, [['s', 'stop']]);
    const result = t.span(['s'], {}, (scope) => {
      scope.set(new Proxy({}, { ownKeys: () => { throw new Error('late'); } }));
      return 7;
    });
    expect(result).to.equal(7);
  });
});

describe('adversarial: a handler that re-emits its own event until the stack overflows', () => {
  it('is detached all or nothing: detach() and listHandlers() agree with what still runs', () => {
    const t = new Telemetry();
    // A failure handler makes the overflow's failure report itself recurse (how it was found).
    t.attach('on-failure', ['telemetry', 'handler', 'failure'], () => undefined);
    let calls = 0;
    t.attach('loop', ['loop'], () => {
      calls++;
      t.emit(['loop'], {});
    });
    t.emit(['loop'], {});
    const after = calls;
    t.emit(['loop'], {});
    expect([calls - after, t.listHandlers(['loop']).length, t.detach('loop'), t.hasHandlers(['loop'])]).to.deep.equal([0, 0, false, false]);
  });
});
