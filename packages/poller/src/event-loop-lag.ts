import { msToNs, now, type Telemetry } from '@rx-telemetry/core';
import { EVENT_LOOP_LAG_EVENT } from './events.js';
import type { Source } from './source.js';

/**
 * `['vm','event_loop','lag']`: `lag`, ns from the poll to a `setImmediate` it scheduled running
 * (what prom-client reports as `nodejs_eventloop_lag_seconds`). Asynchronous: the poll resolves
 * when the immediate has run.
 */
export function eventLoopLagSource(telemetry: Telemetry): Source {
  const event = telemetry.event(EVENT_LOOP_LAG_EVENT);
  return {
    name: 'event_loop_lag',
    poll() {
      if (!event.active) return;
      const start = now();
      return new Promise<void>((resolve) => {
        setImmediate(() => {
          event.emit({ lag: msToNs(now() - start) });
          resolve();
        });
      });
    },
  };
}
