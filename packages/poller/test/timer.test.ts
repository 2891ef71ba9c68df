import FakeTimers, { type Clock } from '@sinonjs/fake-timers';
import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { MEMORY_EVENT, startPoller } from '../src/index.js';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

const indexUrl = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'index.js')).href;
const coreUrl = import.meta.resolve('@rx-telemetry/core');

describe('poller: timer', () => {
  let clock: Clock;
  beforeEach(() => {
    clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval'] });
  });
  afterEach(() => clock.uninstall());

  it('polls once per periodMs, the first one period after the start', () => {
    const t = new Telemetry();
    const got = recordEvents(t, [MEMORY_EVENT]);
    const poller = startPoller(t, { periodMs: 1000, measurements: ['memory'] });
    clock.tick(999);
    const beforeFirst = got.length;
    clock.tick(1);
    const afterFirst = got.length;
    clock.tick(3000);
    poller.stop();
    expect([beforeFirst, afterFirst, got.length]).to.deep.equal([0, 1, 4]);
  });

  it('stops polling and clears its timer on stop()', () => {
    const t = new Telemetry();
    const got = recordEvents(t, [MEMORY_EVENT]);
    const poller = startPoller(t, { periodMs: 1000, measurements: ['memory'] });
    clock.tick(1000);
    poller.stop();
    clock.tick(5000);
    expect([got.length, clock.countTimers()]).to.deep.equal([1, 0]);
  });

  it('ignores poll() after stop()', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [MEMORY_EVENT]);
    const poller = startPoller(t, { periodMs: 1000, measurements: ['memory'] });
    poller.stop();
    poller.stop();
    await poller.poll();
    expect([got.length, poller.measurements()]).to.deep.equal([0, []]);
  });
});

describe('poller: process lifetime', () => {
  const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('does not keep the process alive (its timer is unref\'d)', () => {
    const before = timeouts();
    const poller = startPoller(new Telemetry(), { periodMs: 1000, measurements: ['memory', 'cpu'] });
    const during = timeouts();
    poller.stop();
    expect(during).to.equal(before);
  });

  it('lets the process exit while it is still running (a child process that never calls stop())', async () => {
    const script = `
      const { Telemetry } = await import(${JSON.stringify(coreUrl)});
      const { startPoller } = await import(${JSON.stringify(indexUrl)});
      const t = new Telemetry();
      t.attach('all', ['vm', 'memory'], () => {});
      startPoller(t, { periodMs: 20 });
      setTimeout(() => console.log('done'), 100);`;
    const started = performance.now();
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 8000 }, (e, out, err) => (e ? reject(new Error(`${e.message}\n${err}`)) : resolve(out))),
    );
    expect([stdout.trim(), performance.now() - started < 8000]).to.deep.equal(['done', true]);
  });
});
