import { expect } from 'chai';
import { Telemetry } from '../src/index.js';

describe('emit', () => {
  it('does nothing for an event nobody listens to', () => {
    const t = new Telemetry();
    expect(() => t.emit(['nobody', 'here'], { x: 1 })).not.to.throw();
  });

  it('creates no listener entry for unknown names', () => {
    const t = new Telemetry();
    t.emit(['a', 'b'], {});
    expect(t.hasHandlers(['a', 'b'])).to.equal(false);
    expect(t.listHandlers()).to.deep.equal([]);
  });

  it('runs handlers in the emitter async context', async () => {
    const { AsyncLocalStorage } = await import('node:async_hooks');
    const als = new AsyncLocalStorage<string>();
    const t = new Telemetry();
    let seen: string | undefined;
    t.attach('h', ['x'], () => (seen = als.getStore()));
    als.run('caller', () => t.emit(['x'], {}));
    expect(seen).to.equal('caller');
  });

  it('keeps separate instances separate', () => {
    const a = new Telemetry();
    const b = new Telemetry();
    let count = 0;
    a.attach('h', ['x'], () => count++);
    b.emit(['x'], {});
    expect(count).to.equal(0);
  });
});
