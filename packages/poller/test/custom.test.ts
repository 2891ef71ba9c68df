import { Telemetry, type Metadata } from '@rx-telemetry/core';
import { expect } from 'chai';
import { POLLER_FAILURE_EVENT, startPoller } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

describe('poller: custom measurements', () => {
  it('emits an { event, measure, metadata } measurement', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [['app', 'queue']]);
    const queue = [1, 2, 3];
    const poller = startPoller(t, { periodMs: 60_000, measurements: [{ event: ['app', 'queue'], measure: () => ({ length: queue.length }), metadata: { queue: 'jobs' } }] });
    await poller.poll();
    queue.push(4);
    await poller.poll();
    poller.stop();
    expect(got.map(({ measurements, metadata }) => ({ measurements, metadata }))).to.deep.equal([
      { measurements: { length: 3 }, metadata: { queue: 'jobs' } },
      { measurements: { length: 4 }, metadata: { queue: 'jobs' } },
    ]);
  });

  it('awaits an async measure', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [['db', 'pool']]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: [{ event: ['db', 'pool'], measure: async () => ({ idle: await Promise.resolve(7) }) }] });
    await poller.poll();
    poller.stop();
    expect(got[0].measurements).to.deep.equal({ idle: 7 });
  });

  it('runs a function measurement that emits by itself', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [['app', 'users']]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: [(telemetry) => telemetry.emit(['app', 'users'], { online: 5 })] });
    await poller.poll();
    poller.stop();
    expect(got[0].measurements).to.deep.equal({ online: 5 });
  });

  it('skips an async measure still running from an earlier poll instead of piling up calls', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [['db', 'pool']]);
    let calls = 0;
    let release: (() => void) | undefined;
    const measure = (): Promise<{ idle: number }> => {
      calls++;
      return new Promise((resolve) => {
        release = () => resolve({ idle: calls });
      });
    };
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['memory', { event: ['db', 'pool'], measure }] });
    const first = poller.poll();
    await poller.poll(); // resolves without waiting for the hung measure: it was skipped
    await poller.poll();
    expect(calls).to.equal(1);
    release?.();
    await first;
    const again = poller.poll(); // called again once the first call settled
    release?.();
    await again;
    poller.stop();
    expect([calls, got.map((g) => g.measurements.idle)]).to.deep.equal([2, [1, 2]]);
  });

  it('drops a throwing measurement and reports it once, with the error', async () => {
    const t = new Telemetry();
    const failures = recordEvents(t, [POLLER_FAILURE_EVENT]);
    let calls = 0;
    const poller = startPoller(t, {
      periodMs: 60_000,
      measurements: [
        function brokenGauge() {
          calls++;
          throw new Error('no such table');
        },
      ],
    });
    await poller.poll();
    await poller.poll();
    await poller.poll();
    poller.stop();
    expect(calls).to.equal(1);
    expect(failures).to.have.length(1);
    const md: Metadata = failures[0].metadata;
    expect([md.measurement, (md.error as Error).message, String(md.stacktrace)]).to.satisfy(
      ([name, message, stack]: [string, string, string]) => name === 'brokenGauge' && message === 'no such table' && stack.includes('no such table'),
    );
    expect(failures[0].measurements.systemTime).to.be.closeTo(Date.now(), 5_000);
  });

  it('drops a rejecting async measurement the same way', async () => {
    const t = new Telemetry();
    const failures = recordEvents(t, [POLLER_FAILURE_EVENT]);
    recordEvents(t, [['db', 'pool']]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: [{ name: 'pool', event: ['db', 'pool'], measure: async () => Promise.reject(new Error('pool closed')) }] });
    await poller.poll();
    const after = poller.measurements();
    poller.stop();
    expect([failures.length, failures[0].metadata.measurement, after]).to.deep.equal([1, 'pool', []]);
  });

  it('keeps polling the other measurements after one fails', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [['ok']]);
    const poller = startPoller(t, {
      periodMs: 60_000,
      measurements: [
        () => {
          throw new Error('bad');
        },
        { event: ['ok'], measure: () => ({ v: 1 }) },
      ],
    });
    await poller.poll();
    await poller.poll();
    poller.stop();
    expect(got).to.have.length(2);
  });

  it('names a measurement in failures by its event when it has no name', async () => {
    const t = new Telemetry();
    const failures = recordEvents(t, [POLLER_FAILURE_EVENT]);
    recordEvents(t, [['app', 'cache']]);
    const poller = startPoller(t, {
      periodMs: 60_000,
      measurements: [
        {
          event: ['app', 'cache'],
          measure: () => {
            throw new Error('x');
          },
        },
      ],
    });
    await poller.poll();
    poller.stop();
    expect(failures[0].metadata.measurement).to.equal('app.cache');
  });

  it('does not fail when a failure handler itself throws', async () => {
    const t = new Telemetry();
    t.attach('angry', POLLER_FAILURE_EVENT, () => {
      throw new Error('handler broke');
    });
    const poller = startPoller(t, {
      periodMs: 60_000,
      measurements: [
        () => {
          throw new Error('bad');
        },
      ],
    });
    await poller.poll();
    poller.stop();
    expect(poller.measurements()).to.deep.equal([]);
  });
});
