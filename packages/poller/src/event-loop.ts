import { msToNs, type Telemetry } from '@rx-telemetry/core';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { EVENT_LOOP_EVENT, EVENT_LOOP_TIME_EVENT } from './events.js';
import type { Source } from './source.js';

const ACTIVE = Object.freeze({ state: 'active' });
const IDLE = Object.freeze({ state: 'idle' });

/**
 * `['vm','event_loop']`: event-loop delay min, max, mean, stddev, p50, p90, p99 in ns over the
 * last period, from perf_hooks' monitorEventLoopDelay sampled every `resolutionMs`, and the event
 * loop's `utilization` (0..1) over the period. Nothing is emitted for a period with no sample
 * (shorter than the resolution). `['vm','event_loop','time']`: ns the loop was active and idle in
 * the period, one event per `state`.
 */
export function eventLoopSource(telemetry: Telemetry, resolutionMs: number): Source {
  const event = telemetry.event(EVENT_LOOP_EVENT);
  const time = telemetry.event(EVENT_LOOP_TIME_EVENT);
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return {
    name: 'event_loop',
    poll() {
      const now = performance.eventLoopUtilization();
      const period = performance.eventLoopUtilization(now, last);
      last = now;
      if (event.active && histogram.count > 0) {
        event.emit({
          min: histogram.min,
          max: histogram.max,
          mean: histogram.mean,
          stddev: histogram.stddev,
          p50: histogram.percentile(50),
          p90: histogram.percentile(90),
          p99: histogram.percentile(99),
          utilization: period.utilization,
        });
      }
      histogram.reset();
      if (time.active) {
        time.emit({ duration: msToNs(period.active) }, ACTIVE);
        time.emit({ duration: msToNs(period.idle) }, IDLE);
      }
    },
    stop() {
      histogram.disable();
    },
  };
}
