import { expect } from 'chai';
import { Telemetry } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

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

  it('stops parts in reverse registration order, one after another', async () => {
    const t = new Telemetry();
    const order: string[] = [];
    t.manage('aggregator', async () => {
      order.push('aggregator');
    });
    t.manage('exporter', async () => {
      await new Promise((r) => setImmediate(r));
      order.push('exporter');
    });
    t.manage('producer', () => {
      order.push('producer');
    });
    const report = await t.shutdown();
    expect([order, report.stopped]).to.deep.equal([
      ['producer', 'exporter', 'aggregator'],
      ['producer', 'exporter', 'aggregator'],
    ]);
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

  it('still runs the other parts when one fails, and reports the failure as an event', async () => {
    const t = new Telemetry();
    let other = false;
    const failures = recordEvents(t, [['telemetry', 'shutdown', 'failure']]);
    t.onShutdown(async () => {
      other = true;
    });
    t.manage('broken', () => {
      throw new Error('flush failed');
    });
    const report = await t.shutdown();
    expect(other).to.equal(true);
    expect(report.failed.map((f) => [f.name, (f.error as Error).message])).to.deep.equal([['broken', 'flush failed']]);
    expect(failures.map((f) => [f.metadata.part, (f.metadata.error as Error).message])).to.deep.equal([['broken', 'flush failed']]);
  });

  it('abandons parts still stopping at the deadline, reports them and resolves', async () => {
    const t = new Telemetry();
    const timeouts = recordEvents(t, [['telemetry', 'shutdown', 'timeout']]);
    t.manage('later', () => undefined);
    t.manage('hangs', () => new Promise<void>(() => undefined));
    const report = await t.shutdown({ timeoutMs: 20 });
    expect(report.abandoned).to.deep.equal(['hangs', 'later']);
    expect(timeouts[0].metadata.parts).to.deep.equal(['hangs', 'later']);
  });

  it('shares one run between concurrent calls', async () => {
    const t = new Telemetry();
    let runs = 0;
    t.manage('part', async () => {
      runs++;
      await new Promise((r) => setImmediate(r));
    });
    const [a, b] = await Promise.all([t.shutdown(), t.shutdown()]);
    expect([runs, a]).to.deep.equal([1, b]);
  });

  it('is idempotent: a second shutdown stops nothing twice', async () => {
    const t = new Telemetry();
    let runs = 0;
    t.manage('part', () => {
      runs++;
    });
    await t.shutdown();
    const second = await t.shutdown();
    expect([runs, second.stopped]).to.deep.equal([1, []]);
  });

  it('throws a TypeError for a non-function flush', () => {
    expect(() => new Telemetry().onShutdown(1 as unknown as () => void)).to.throw(TypeError);
  });

  it('rejects a non-positive timeout', () => {
    expect(() => new Telemetry().shutdown({ timeoutMs: 0 })).to.throw(TypeError, /timeoutMs/);
  });
});

describe('manage', () => {
  it('returns an idempotent stop: one run, the same promise every call', async () => {
    const t = new Telemetry();
    let runs = 0;
    const stop = t.manage('part', () => {
      runs++;
    });
    const first = stop();
    expect([first === stop(), runs]).to.deep.equal([true, 1]);
    await first;
  });

  it('unregisters a part stopped by itself, so shutdown does not stop it again', async () => {
    const t = new Telemetry();
    let runs = 0;
    const stop = t.manage('part', () => {
      runs++;
    });
    await stop();
    const report = await t.shutdown();
    expect([runs, report.stopped]).to.deep.equal([1, []]);
  });

  it('throws a TypeError for a missing name', () => {
    expect(() => new Telemetry().manage('', () => undefined)).to.throw(TypeError, /name/);
  });
});

describe('health check registration', () => {
  it('lists registered checks by name and forgets an unregistered one', () => {
    const t = new Telemetry();
    const off = t.addHealthCheck('db', () => 'healthy');
    t.addHealthCheck('queue', () => 'degraded');
    off();
    expect([...t.healthChecks().keys()]).to.deep.equal(['queue']);
  });

  it('rejects a second check with the same name', () => {
    const t = new Telemetry();
    t.addHealthCheck('db', () => 'healthy');
    expect(() => t.addHealthCheck('db', () => 'healthy')).to.throw(TypeError, /already registered/);
  });
});
