import FakeTimers from '@sinonjs/fake-timers';
import { Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { expect } from 'chai';
import { MEMORY_EVENT, startPoller } from '../src/index.js';

describe('poller: lifecycle', () => {
  it('is stopped by telemetry.shutdown(): timer cleared, sources released, no more events', async () => {
    const clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const t = new Telemetry();
      const got = recordEvents(t, [MEMORY_EVENT]);
      const poller = startPoller(t, { periodMs: 1000, measurements: ['memory', 'gc', 'event_loop'] });
      clock.tick(1000);
      const report = await t.shutdown();
      clock.tick(5000);
      expect([got.length, clock.countTimers(), poller.measurements(), report.stopped.filter((n) => n.startsWith('poller-')).length]).to.deep.equal([1, 0, [], 1]);
    } finally {
      clock.uninstall();
    }
  });

  it('returns the same promise from every stop() call', async () => {
    const poller = startPoller(new Telemetry(), { periodMs: 1000, measurements: ['memory'] });
    const first = poller.stop();
    expect(poller.stop()).to.equal(first);
    await first;
  });

  it('lets a poll in progress finish before stop() resolves, so its round is emitted whole', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [['app', 'a'], ['app', 'b']]);
    let release: (() => void) | undefined;
    const poller = startPoller(t, {
      periodMs: 60_000,
      measurements: [
        { event: ['app', 'a'], measure: () => ({ v: 1 }) },
        { event: ['app', 'b'], measure: () => new Promise<{ v: number }>((resolve) => (release = () => resolve({ v: 2 }))) },
      ],
    });
    const polling = poller.poll();
    const stopped = poller.stop();
    setTimeout(() => release?.(), 20);
    await stopped;
    await polling;
    expect(got.map((e) => e.event)).to.deep.equal(['app.a', 'app.b']);
  });

  it('emits nothing after stop() resolved, even from a measurement that settles later', async () => {
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const t = new Telemetry();
      const got = recordEvents(t, [['app', 'slow']]);
      let release: (() => void) | undefined;
      const poller = startPoller(t, {
        periodMs: 60_000,
        measurements: [{ event: ['app', 'slow'], measure: () => new Promise<{ v: number }>((resolve) => (release = () => resolve({ v: 1 }))) }],
      });
      const polling = poller.poll();
      const stopped = poller.stop();
      await clock.tickAsync(1000);
      await stopped;
      release?.();
      await polling;
      expect(got).to.deep.equal([]);
    } finally {
      clock.uninstall();
    }
  });
});
