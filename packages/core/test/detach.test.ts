import { expect } from 'chai';
import { Telemetry } from '../src/index.js';

describe('detach', () => {
  it('returns true and stops delivery for a known id', () => {
    const t = new Telemetry();
    let count = 0;
    t.attachMany('h', [['a'], ['b']], () => count++);
    expect(t.detach('h')).to.equal(true);
    t.emit(['a'], {});
    t.emit(['b'], {});
    expect(count).to.equal(0);
  });

  it('returns false for an unknown id', () => {
    expect(new Telemetry().detach('nope')).to.equal(false);
  });

  it('frees the id for a new attach', () => {
    const t = new Telemetry();
    t.attach('h', ['a'], () => {});
    t.detach('h');
    expect(() => t.attach('h', ['a'], () => {})).not.to.throw();
  });

  it('lets a handler detach itself during dispatch without skipping the next handler', () => {
    const t = new Telemetry();
    const calls: string[] = [];
    t.attach('first', ['x'], () => {
      calls.push('first');
      t.detach('first');
    });
    t.attach('second', ['x'], () => calls.push('second'));
    t.emit(['x'], {});
    t.emit(['x'], {});
    expect(calls).to.deep.equal(['first', 'second', 'second']);
  });
});
