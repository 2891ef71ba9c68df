import type { Telemetry } from '@rx-telemetry/core';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EVENT_LOOP_EVENT } from './events.js';
import type { Source } from './source.js';

/**
 * `['vm','event_loop']`: event-loop delay p50, p99 and max in ns over the last period, from
 * perf_hooks' monitorEventLoopDelay sampled every `resolutionMs`. Nothing is emitted for a
 * period with no sample (shorter than the resolution).
 */
export function eventLoopSource(telemetry: Telemetry, resolutionMs: number): Source {
  const event = telemetry.event(EVENT_LOOP_EVENT);
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  return {
    name: 'event_loop',
    poll() {
      if (event.active && histogram.count > 0) {
        event.emit({ p50: histogram.percentile(50), p99: histogram.percentile(99), max: histogram.max });
      }
      histogram.reset();
    },
    stop() {
      histogram.disable();
    },
  };
}
