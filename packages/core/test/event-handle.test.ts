import { expect } from 'chai';
import { Telemetry } from '../src/index.js';

describe('event(name) handle', () => {
  it('emits to the handlers of its event', () => {
    const t = new Telemetry();
    const seen: unknown[] = [];
    t.attach('h', ['a', 'b'], (e, m, md) => seen.push([e, m, md]));
    t.event(['a', 'b']).emit({ n: 1 }, { k: 'v' });
    expect(seen).to.deep.equal([[['a', 'b'], { n: 1 }, { k: 'v' }]]);
  });

  it('sees handlers attached after the handle was made', () => {
    const t = new Telemetry();
    const handle = t.event(['late']);
    let count = 0;
    t.attach('h', ['late'], () => count++);
    handle.emit({});
    expect(count).to.equal(1);
  });

  it('reports active only while someone listens', () => {
    const t = new Telemetry();
    const handle = t.event(['a']);
    const states = [handle.active];
    t.attach('h', ['a'], () => {});
    states.push(handle.active);
    t.detach('h');
    states.push(handle.active);
    const sub = t.events(['a']).subscribe(() => {});
    states.push(handle.active);
    sub.unsubscribe();
    states.push(handle.active);
    expect(states).to.deep.equal([false, true, false, true, false]);
  });

  it('exposes a frozen copy of its name', () => {
    const t = new Telemetry();
    const name = ['a', 'b'];
    const handle = t.event(name);
    name[0] = 'z';
    expect(handle.name).to.deep.equal(['a', 'b']);
    expect(Object.isFrozen(handle.name)).to.equal(true);
  });

  it('throws a TypeError for an invalid name', () => {
    expect(() => new Telemetry().event([])).to.throw(TypeError);
  });

  it('passes empty metadata when none is given', () => {
    const t = new Telemetry();
    let md: unknown;
    t.attach('h', ['a'], (_e, _m, m) => (md = m));
    t.event(['a']).emit({});
    expect(md).to.deep.equal({});
  });
});
