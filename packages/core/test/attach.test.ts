import { expect } from 'chai';
import { HandlerExistsError, Telemetry, type EventName, type Measurements, type Metadata } from '../src/index.js';

describe('attach', () => {
  it('runs handlers of an event in attach order', () => {
    const t = new Telemetry();
    const calls: string[] = [];
    t.attach('b', ['a', 'x'], () => calls.push('b'));
    t.attach('a', ['a', 'x'], () => calls.push('a'));
    t.attach('c', ['a', 'x'], () => calls.push('c'));
    t.emit(['a', 'x'], {});
    expect(calls).to.deep.equal(['b', 'a', 'c']);
  });

  it('passes event, measurements, metadata and config to the handler', () => {
    const t = new Telemetry();
    let got: [EventName, Measurements, Metadata, unknown] | undefined;
    t.attach('h', ['db', 'query'], (e, m, md, c) => (got = [e, m, md, c]), { level: 2 });
    t.emit(['db', 'query'], { duration: 5 }, { table: 'users' });
    expect(got).to.deep.equal([['db', 'query'], { duration: 5 }, { table: 'users' }, { level: 2 }]);
  });

  it('runs handlers synchronously, before emit returns', () => {
    const t = new Telemetry();
    let ran = false;
    t.attach('h', ['x'], () => (ran = true));
    t.emit(['x'], {});
    expect(ran).to.equal(true);
  });

  it('delivers only exact event names, not prefixes or extensions', () => {
    const t = new Telemetry();
    const seen: string[] = [];
    t.attach('h', ['a', 'b'], (e) => seen.push(e.join('.')));
    t.emit(['a'], {});
    t.emit(['a', 'b', 'c'], {});
    t.emit(['a', 'b'], {});
    expect(seen).to.deep.equal(['a.b']);
  });

  it('throws HandlerExistsError with code ERR_HANDLER_EXISTS on a duplicate id', () => {
    const t = new Telemetry();
    t.attach('dup', ['x'], () => {});
    const err = (() => {
      try {
        t.attach('dup', ['y'], () => {});
      } catch (e) {
        return e;
      }
    })();
    expect(err).to.be.instanceOf(HandlerExistsError);
    expect((err as HandlerExistsError).code).to.equal('ERR_HANDLER_EXISTS');
  });

  it('keeps the first handler when a duplicate id is refused', () => {
    const t = new Telemetry();
    const calls: string[] = [];
    t.attach('dup', ['x'], () => calls.push('first'));
    expect(() => t.attach('dup', ['x'], () => calls.push('second'))).to.throw(HandlerExistsError);
    t.emit(['x'], {});
    expect(calls).to.deep.equal(['first']);
  });

  for (const [label, name] of [
    ['an empty array', []],
    ['a string', 'a.b'],
    ['an empty segment', ['a', '']],
    ['a non-string segment', ['a', 1]],
    ['undefined', undefined],
  ] as const) {
    it(`throws a TypeError for an event name that is ${label}`, () => {
      const t = new Telemetry();
      expect(() => t.attach('h', name as unknown as EventName, () => {})).to.throw(TypeError, /event name/);
    });
  }

  it('throws a TypeError for a non-function handler', () => {
    const t = new Telemetry();
    expect(() => t.attach('h', ['x'], 'nope' as unknown as () => void)).to.throw(TypeError, /handler must be a function/);
  });

  it('throws a TypeError for an empty id', () => {
    const t = new Telemetry();
    expect(() => t.attach('', ['x'], () => {})).to.throw(TypeError, /id/);
  });

  it('throws a TypeError for an unknown onFailure option', () => {
    const t = new Telemetry();
    expect(() => t.attach('h', ['x'], () => {}, undefined, { onFailure: 'ignore' as 'keep' })).to.throw(TypeError, /onFailure/);
  });

  it('does not see a copy of the event name mutated after attach', () => {
    const t = new Telemetry();
    const name = ['a', 'b'];
    let count = 0;
    t.attach('h', name, () => count++);
    name[1] = 'c';
    t.emit(['a', 'b'], {});
    expect(count).to.equal(1);
  });
});

describe('attachMany', () => {
  it('attaches one id to several events', () => {
    const t = new Telemetry();
    const seen: string[] = [];
    t.attachMany('h', [['a'], ['b', 'c']], (e) => seen.push(e.join('.')));
    t.emit(['a'], {});
    t.emit(['b', 'c'], {});
    expect(seen).to.deep.equal(['a', 'b.c']);
  });

  it('attaches nothing when one of the names is invalid', () => {
    const t = new Telemetry();
    expect(() => t.attachMany('h', [['a'], []], () => {})).to.throw(TypeError);
    expect(t.listHandlers()).to.deep.equal([]);
  });

  it('throws a TypeError for an empty list of events', () => {
    const t = new Telemetry();
    expect(() => t.attachMany('h', [], () => {})).to.throw(TypeError);
  });
});
