import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { setTimeout as delay } from 'node:timers/promises';
import { EVENT_LOOP_EVENT, EVENT_LOOP_TIME_EVENT, startPoller, type Poller } from '../src/index.js';
import { recordEvents, type RecordedEvent } from '@rx-telemetry/devkit/event-recorder';

function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Polls until an event_loop event arrives (the monitor samples on its own timer). */
async function pollUntilEvent(poller: Poller, got: RecordedEvent[]): Promise<RecordedEvent> {
  while (got.length === 0) {
    await delay(2);
    await poller.poll();
  }
  return got[0];
}

describe('poller: vm.event_loop', () => {
  it('reports a blocked event loop in p99 and max, in ns', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [EVENT_LOOP_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['event_loop'], eventLoopResolutionMs: 1 });
    await delay(5);
    blockFor(40);
    const { measurements } = await pollUntilEvent(poller, got);
    poller.stop();
    expect(Object.keys(measurements).sort()).to.deep.equal(['max', 'mean', 'min', 'p50', 'p90', 'p99', 'stddev', 'utilization']);
    expect(measurements.max).to.be.at.least(35e6);
    expect(measurements.p99).to.be.at.most(measurements.max);
    expect(measurements.p50).to.be.at.most(measurements.p99);
    expect(measurements.min).to.be.at.most(measurements.mean);
    expect(measurements.mean).to.be.at.most(measurements.max);
    expect(measurements.stddev).to.be.greaterThan(0);
  });

  it("reports the loop's utilization over the period: near 1 when blocked throughout", async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [EVENT_LOOP_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['event_loop'], eventLoopResolutionMs: 1 });
    await poller.poll();
    got.length = 0;
    blockFor(60);
    // Let the delay monitor take its sample of the block (its timer could not run during it).
    await delay(3);
    await poller.poll();
    const blocked = got[0]?.measurements.utilization;
    await delay(60);
    got.length = 0;
    await poller.poll();
    const idle = got[0]?.measurements.utilization;
    void poller.stop();
    expect(blocked).to.be.greaterThan(0.8);
    expect(idle).to.be.lessThan(0.5);
  });

  it('reports active and idle time since the previous poll, one event per state, in ns', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [EVENT_LOOP_TIME_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['event_loop'] });
    const t0 = performance.now();
    await poller.poll();
    got.length = 0;
    blockFor(30);
    await delay(30);
    await poller.poll();
    const elapsedNs = (performance.now() - t0) * 1e6;
    void poller.stop();
    const byState = Object.fromEntries(got.map((e) => [e.metadata.state, e.measurements.duration]));
    expect(Object.keys(byState).sort()).to.deep.equal(['active', 'idle']);
    expect(byState.active).to.be.at.least(29e6);
    expect(byState.idle).to.be.at.least(10e6);
    expect(byState.active + byState.idle).to.be.at.most(elapsedNs + 1e6);
  });

  it('starts each period afresh', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [EVENT_LOOP_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['event_loop'], eventLoopResolutionMs: 1 });
    await delay(5);
    blockFor(100);
    const first = await pollUntilEvent(poller, got);
    got.length = 0;
    const second = await pollUntilEvent(poller, got);
    poller.stop();
    // The 100 ms block shows in the first period only.
    expect([first.measurements.max >= 95e6, second.measurements.max < 60e6]).to.deep.equal([true, true]);
  });

  it('emits nothing for a period without a sample', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [EVENT_LOOP_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['event_loop'], eventLoopResolutionMs: 1000 });
    await poller.poll();
    poller.stop();
    expect(got).to.have.length(0);
  });
});
