import type { Telemetry } from '@rx-telemetry/core';
import { readdirSync, readFileSync } from 'node:fs';
import { PROCESS_EVENT } from './events.js';
import type { Source } from './source.js';

/** The process's start, in seconds since the epoch (to the second, as prom-client reports it). */
const START_TIME_SECONDS = Math.round(Date.now() / 1000 - process.uptime());

/** True where /proc describes this process (Linux): the memory and file-descriptor readings exist. */
export const HAS_PROC = ((): boolean => {
  try {
    readFileSync('/proc/self/status', 'utf8');
    return true;
  } catch {
    return false;
  }
})();

function maxOpenFiles(): number | undefined {
  try {
    for (const line of readFileSync('/proc/self/limits', 'utf8').split('\n')) {
      if (line.startsWith('Max open files')) {
        const soft = Number(line.split(/ {2,}/)[1]);
        return Number.isFinite(soft) ? soft : undefined;
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}

// /proc/self/status lines such as "VmRSS:	   51200 kB".
function statusBytes(status: string, key: string): number | undefined {
  const at = status.indexOf(`\n${key}:`);
  if (at === -1) return undefined;
  const value = parseInt(status.slice(at + key.length + 2), 10);
  return Number.isFinite(value) ? value * 1024 : undefined;
}

/**
 * `['vm','process']`: `startTime` (seconds since the epoch) everywhere; on Linux also
 * `residentMemory`, `virtualMemory`, `dataMemory` (VmRSS, VmSize, VmData of /proc/self/status, in
 * bytes), `openFds` (entries of /proc/self/fd) and `maxFds` (the soft "Max open files" limit).
 * /proc is a view of kernel data, never a disk read.
 */
export function processSource(telemetry: Telemetry): Source {
  const event = telemetry.event(PROCESS_EVENT);
  const maxFds = HAS_PROC ? maxOpenFiles() : undefined;
  return {
    name: 'process',
    poll() {
      if (!event.active) return;
      const m: Record<string, number> = { startTime: START_TIME_SECONDS };
      if (HAS_PROC) {
        try {
          const status = readFileSync('/proc/self/status', 'utf8');
          const rss = statusBytes(status, 'VmRSS');
          const size = statusBytes(status, 'VmSize');
          const data = statusBytes(status, 'VmData');
          if (rss !== undefined) m.residentMemory = rss;
          if (size !== undefined) m.virtualMemory = size;
          if (data !== undefined) m.dataMemory = data;
          // readdirSync opens one descriptor of its own while it reads: not counted.
          m.openFds = readdirSync('/proc/self/fd').length - 1;
        } catch {
          // /proc went away (a sandbox): the start time alone
        }
        if (maxFds !== undefined) m.maxFds = maxFds;
      }
      event.emit(m);
    },
  };
}
