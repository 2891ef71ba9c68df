import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { MEMORY_EVENT, startPoller } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

describe('poller: vm.memory', () => {
  it('emits rss, heapUsed, heapTotal, external and arrayBuffers in bytes', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [MEMORY_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['memory'] });
    const before = process.memoryUsage();
    await poller.poll();
    poller.stop();
    const m = got[0].measurements;
    expect(Object.keys(m).sort()).to.deep.equal(['arrayBuffers', 'external', 'heapTotal', 'heapUsed', 'rss']);
    for (const v of Object.values(m)) expect(Number.isInteger(v) && v > 0, String(v)).to.equal(true);
    expect(m.heapUsed).to.be.at.most(m.heapTotal);
    // Same process, microseconds apart: within 10% of a direct reading.
    expect(m.heapTotal).to.be.closeTo(before.heapTotal, before.heapTotal * 0.1);
    expect(m.rss).to.be.closeTo(before.rss, before.rss * 0.1);
  });

  it('sees a 64 MiB ArrayBuffer allocated between two polls', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [MEMORY_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['memory'] });
    await poller.poll();
    const buffer = new ArrayBuffer(64 * 1024 * 1024);
    new Uint8Array(buffer).fill(1);
    await poller.poll();
    poller.stop();
    expect(got[1].measurements.arrayBuffers - got[0].measurements.arrayBuffers).to.be.at.least(buffer.byteLength);
  });

  it('reads nothing while nobody listens', async () => {
    const t = new Telemetry();
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['memory'] });
    await poller.poll();
    const got = recordEvents(t, [MEMORY_EVENT]);
    await poller.poll();
    poller.stop();
    expect(got).to.have.length(1);
  });
});
