import { now, type Telemetry } from '@rx-telemetry/core';
import { availableParallelism } from 'node:os';
import { CPU_EVENT } from './events.js';
import type { Source } from './source.js';

/**
 * `['vm','cpu']`: user and system CPU time in µs since the previous poll (or the start), and
 * `utilization`, that time over the wall time elapsed times the cores available to the
 * process: 0 idle, 1 every core busy with this process.
 */
export function cpuSource(telemetry: Telemetry): Source {
  const event = telemetry.event(CPU_EVENT);
  const cores = availableParallelism();
  let last = process.cpuUsage();
  let lastAt = now();
  return {
    name: 'cpu',
    poll() {
      const usage = process.cpuUsage();
      const at = now();
      const user = usage.user - last.user;
      const system = usage.system - last.system;
      const elapsedUs = (at - lastAt) * 1000;
      last = usage;
      lastAt = at;
      if (!event.active) return;
      const utilization = elapsedUs > 0 ? Math.min(1, (user + system) / (elapsedUs * cores)) : 0;
      event.emit({ user, system, utilization });
    },
  };
}
