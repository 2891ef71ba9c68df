import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CPU_EVENT, startPoller } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

/** Spins until this process has used `us` more microseconds of user CPU. */
function burnUserCpu(us: number): void {
  const start = process.cpuUsage().user;
  let x = 0;
  while (process.cpuUsage().user - start < us) for (let i = 0; i < 10_000; i++) x += Math.sqrt(i);
  if (x < 0) throw new Error('unreachable');
}

describe('poller: vm.cpu', () => {
  it('reports the user CPU time spent since the start, in µs', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [CPU_EVENT]);
    const before = process.cpuUsage();
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['cpu'] });
    burnUserCpu(30_000);
    const after = process.cpuUsage(before);
    await poller.poll();
    poller.stop();
    const { user, system } = got[0].measurements;
    expect(user).to.be.at.least(30_000);
    // The poller started after `before` and read before... just after `after`: bounded by both.
    expect(user).to.be.at.most(after.user + 20_000);
    expect(system).to.be.at.least(0);
  });

  it('reports only the CPU time since the previous poll', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [CPU_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['cpu'] });
    burnUserCpu(40_000);
    await poller.poll();
    await poller.poll();
    poller.stop();
    expect(got[0].measurements.user).to.be.at.least(40_000);
    expect(got[1].measurements.user).to.be.below(20_000);
  });

  it('reports utilization as CPU time over wall time times cores, between 0 and 1', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [CPU_EVENT]);
    const outerStart = performance.now();
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['cpu'] });
    const innerStart = performance.now();
    burnUserCpu(30_000);
    const innerEnd = performance.now();
    await poller.poll();
    const outerEnd = performance.now();
    poller.stop();
    const { user, system, utilization } = got[0].measurements;
    const cores = availableParallelism();
    const cpuUs = user + system;
    // The poller's own wall-clock window lies between the inner and outer windows.
    expect(utilization).to.be.at.least(cpuUs / ((outerEnd - outerStart) * 1000 * cores) - 1e-9);
    expect(utilization).to.be.at.most(Math.min(1, cpuUs / ((innerEnd - innerStart) * 1000 * cores)) + 1e-9);
    expect(utilization).to.be.greaterThan(0);
  });
});
