import type { Telemetry } from '@rx-telemetry/core';
import { getHeapSpaceStatistics } from 'node:v8';
import { HEAP_SPACE_EVENT } from './events.js';
import type { Source } from './source.js';

/**
 * `['vm','heap_space']` `{ size, used, available, physical }` (bytes) `{ space }`: one event per
 * V8 heap space (`v8.getHeapSpaceStatistics()`; `space` is V8's name, e.g. `new_space`).
 */
export function heapSpacesSource(telemetry: Telemetry): Source {
  const event = telemetry.event(HEAP_SPACE_EVENT);
  const metadata = new Map<string, Readonly<{ space: string }>>();
  return {
    name: 'heap_spaces',
    poll() {
      if (!event.active) return;
      for (const s of getHeapSpaceStatistics()) {
        let md = metadata.get(s.space_name);
        if (md === undefined) metadata.set(s.space_name, (md = Object.freeze({ space: s.space_name })));
        event.emit({ size: s.space_size, used: s.space_used_size, available: s.space_available_size, physical: s.physical_space_size }, md);
      }
    },
  };
}
