import { expect } from 'chai';
import { Telemetry } from '../src/index.js';

describe('listHandlers', () => {
  it('lists one entry per (id, event) with its handler and config', () => {
    const t = new Telemetry();
    const h = (): void => {};
    t.attachMany('many', [['a', 'x'], ['b']], h, { c: 1 });
    expect(t.listHandlers()).to.deep.equal([
      { id: 'many', event: ['a', 'x'], handler: h, config: { c: 1 } },
      { id: 'many', event: ['b'], handler: h, config: { c: 1 } },
    ]);
  });

  it('filters by a segment-wise prefix', () => {
    const t = new Telemetry();
    t.attach('ax', ['a', 'x'], () => {});
    t.attach('ab', ['ab'], () => {});
    t.attach('a', ['a'], () => {});
    expect(t.listHandlers(['a']).map((h) => h.id)).to.deep.equal(['ax', 'a']);
  });
});

describe('hasHandlers', () => {
  it('is true only for an event with a handler attached', () => {
    const t = new Telemetry();
    t.attach('h', ['a', 'b'], () => {});
    expect([t.hasHandlers(['a', 'b']), t.hasHandlers(['a']), t.hasHandlers(['z'])]).to.deep.equal([true, false, false]);
  });

  it('turns false after detach', () => {
    const t = new Telemetry();
    t.attach('h', ['a'], () => {});
    t.detach('h');
    expect(t.hasHandlers(['a'])).to.equal(false);
  });
});
