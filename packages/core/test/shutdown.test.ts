import { expect } from 'chai';
import { Telemetry } from '../src/index.js';

describe('shutdown', () => {
  it('runs every registered flush and waits for all', async () => {
    const t = new Telemetry();
    const done: string[] = [];
    t.onShutdown(async () => {
      await new Promise((r) => setTimeout(r, 2));
      done.push('slow');
    });
    t.onShutdown(() => {
      done.push('sync');
    });
    await t.shutdown();
    expect([...done].sort()).to.deep.equal(['slow', 'sync']);
  });

  it('does not run a flush that was unregistered', async () => {
    const t = new Telemetry();
    let ran = false;
    const off = t.onShutdown(() => {
      ran = true;
    });
    off();
    await t.shutdown();
    expect(ran).to.equal(false);
  });

  it('still runs the other flushes when one fails, then rejects with an AggregateError', async () => {
    const t = new Telemetry();
    let other = false;
    t.onShutdown(() => {
      throw new Error('flush failed');
    });
    t.onShutdown(async () => {
      other = true;
    });
    const err = await t.shutdown().catch((e: unknown) => e);
    expect(other).to.equal(true);
    expect(err).to.be.instanceOf(AggregateError);
    expect((err as AggregateError).errors.map((e: Error) => e.message)).to.deep.equal(['flush failed']);
  });

  it('throws a TypeError for a non-function flush', () => {
    expect(() => new Telemetry().onShutdown(1 as unknown as () => void)).to.throw(TypeError);
  });
});
