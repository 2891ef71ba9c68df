import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { setImmediate as tick } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { GC_EVENT, startPoller } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

describe('poller: vm.gc', () => {
  it('counts major collections with their duration, by kind', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [GC_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['gc'] });
    collect();
    collect();
    collect();
    // GC entries reach observers asynchronously.
    await tick();
    await tick();
    await poller.poll();
    poller.stop();
    const major = got.find((e) => e.metadata.kind === 'major');
    expect(major?.measurements.count).to.be.at.least(3);
    expect(major?.measurements.duration).to.be.greaterThan(0);
  });

  it('counts minor collections caused by allocation', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [GC_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['gc'] });
    let keep: number[][] = [];
    for (let i = 0; i < 300_000; i++) {
      keep.push([i, i]);
      if (keep.length > 1000) keep = [];
    }
    await tick();
    await tick();
    await poller.poll();
    poller.stop();
    expect(got.find((e) => e.metadata.kind === 'minor')?.measurements.count).to.be.at.least(1);
  });

  it('starts counting afresh after each poll', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [GC_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['gc'] });
    collect();
    await tick();
    await tick();
    await poller.poll();
    const first = got.length;
    await poller.poll();
    poller.stop();
    expect([first > 0, got.length]).to.deep.equal([true, first]);
  });
});
