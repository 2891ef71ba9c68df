import type { Telemetry } from '@rx-telemetry/core';
import { MEMORY_EVENT } from './events.js';
import type { Source } from './source.js';

/** `['vm','memory']`: process.memoryUsage() in bytes. */
export function memorySource(telemetry: Telemetry): Source {
  const event = telemetry.event(MEMORY_EVENT);
  return {
    name: 'memory',
    poll() {
      // memoryUsage() walks the heap spaces and reads /proc: skip it when nobody listens.
      if (!event.active) return;
      const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
      event.emit({ rss, heapUsed, heapTotal, external, arrayBuffers });
    },
  };
}
