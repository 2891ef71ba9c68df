import { Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  ACTIVE_EVENT,
  ACTIVE_HANDLES_EVENT,
  ACTIVE_RESOURCES_EVENT,
  EVENT_LOOP_LAG_EVENT,
  GC_COLLECTION_EVENT,
  GC_EVENT,
  HEAP_SPACE_EVENT,
  PROCESS_EVENT,
  startPoller,
} from '../src/index.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('poller: runtime sources', () => {
  it('event_loop_lag: reports how long an immediate scheduled at the poll waited, in ns', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [EVENT_LOOP_LAG_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['event_loop_lag'] });
    // The loop is blocked for 30 ms after the poll: its immediate waits that long.
    const polled = poller.poll();
    blockFor(30);
    await polled;
    await poller.stop();
    expect(got).to.have.length(1);
    expect(got[0].measurements.lag).to.be.at.least(29e6).and.below(1e9);
  });

  it('gc: emits one collection event per garbage collection, with its kind and duration in ns', async () => {
    const t = new Telemetry();
    const collections = recordEvents(t, [GC_COLLECTION_EVENT]);
    const tallies = recordEvents(t, [GC_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['gc'] });
    collectGarbage();
    collectGarbage();
    await tick();
    await tick();
    await poller.poll();
    await poller.stop();
    const majors = collections.filter((e) => e.metadata.kind === 'major');
    expect(majors.length).to.be.at.least(2);
    expect(majors.every((e) => e.measurements.duration > 0)).to.equal(true);
    // The per-poll tally counts the same collections.
    const tally = tallies.find((e) => e.metadata.kind === 'major');
    expect(tally?.measurements.count).to.equal(majors.length);
    expect(tally?.measurements.duration).to.equal(majors.reduce((s, e) => s + e.measurements.duration, 0));
  });

  it('heap_spaces: one event per V8 heap space with size, used, available and physical bytes', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [HEAP_SPACE_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['heap_spaces'] });
    await poller.poll();
    await poller.stop();
    expect(got.map((e) => e.metadata.space)).to.deep.equal(getHeapSpaceStatistics().map((s) => s.space_name));
    const old = got.find((e) => e.metadata.space === 'old_space');
    expect(Object.keys(old?.measurements ?? {}).sort()).to.deep.equal(['available', 'physical', 'size', 'used']);
    expect(old?.measurements.used).to.be.greaterThan(0).and.at.most(old?.measurements.size ?? 0);
  });

  it('active: totals, and per type a count, with 0 once for a type that went away', async () => {
    const t = new Telemetry();
    const totals = recordEvents(t, [ACTIVE_EVENT]);
    const resources = recordEvents(t, [ACTIVE_RESOURCES_EVENT]);
    const handles = recordEvents(t, [ACTIVE_HANDLES_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['active'] });
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await poller.poll();
    const first = resources.filter((e) => e.metadata.type === 'TCPServerWrap').map((e) => e.measurements.count);
    const firstHandles = handles.filter((e) => e.metadata.type === 'Server').map((e) => e.measurements.count);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await tick();
    resources.length = 0;
    await poller.poll();
    const second = resources.filter((e) => e.metadata.type === 'TCPServerWrap').map((e) => e.measurements.count);
    resources.length = 0;
    await poller.poll();
    const third = resources.filter((e) => e.metadata.type === 'TCPServerWrap');
    await poller.stop();
    expect([first, firstHandles, second, third.length]).to.deep.equal([[1], [1], [0], 0]);
    expect(totals[0].measurements.resources).to.be.at.least(1);
    expect(Object.keys(totals[0].measurements).sort()).to.deep.equal(['handles', 'requests', 'resources']);
  });

  it('process: the start time, and on Linux memory and file descriptors from /proc', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [PROCESS_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['process'] });
    await poller.poll();
    await poller.stop();
    const m = got[0].measurements;
    expect(Math.abs(m.startTime - (Date.now() / 1000 - process.uptime()))).to.be.below(2);
    if (process.platform !== 'linux') return;
    expect(m.residentMemory).to.be.within(process.memoryUsage().rss * 0.5, process.memoryUsage().rss * 2);
    expect(m.virtualMemory).to.be.at.least(m.residentMemory);
    expect(m.dataMemory).to.be.greaterThan(0);
    expect(m.openFds).to.be.within(readdirSync('/proc/self/fd').length - 5, readdirSync('/proc/self/fd').length + 5);
    expect(m.maxFds).to.be.at.least(m.openFds);
  });

  it('does no work for an event nobody listens to', async () => {
    const t = new Telemetry();
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['event_loop_lag', 'heap_spaces', 'active', 'process'] });
    let immediates = 0;
    const original = globalThis.setImmediate;
    globalThis.setImmediate = ((...args: Parameters<typeof setImmediate>) => {
      immediates++;
      return original(...args);
    }) as typeof setImmediate;
    try {
      await poller.poll();
    } finally {
      globalThis.setImmediate = original;
    }
    await poller.stop();
    expect(immediates).to.equal(0);
  });
});
