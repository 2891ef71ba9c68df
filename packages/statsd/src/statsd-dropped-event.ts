import type { EventName } from '@rx-telemetry/core';

/**
 * Emitted when a StatsD reporter dropped lines: over TCP, a packet that found more than
 * `maxQueueBytes` waiting for a server that does not read, a packet written while the connection
 * was down, or one still queued when `stop()` gave up on it. At most once a second (never on the
 * emit path) and once more on `stop()`.
 * measurements: `{ count, total }` (lines dropped since the last report, and in all);
 * metadata: `{ reporter: string }`.
 *
 * ```ts
 * telemetry.attach('statsd-drops', STATSD_DROPPED_EVENT, (_event, m) => console.warn(`${m.count} StatsD lines dropped`));
 * ```
 */
export const STATSD_DROPPED_EVENT: EventName = Object.freeze(['telemetry', 'statsd', 'dropped']);
