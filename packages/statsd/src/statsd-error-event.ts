import type { EventName } from '@rx-telemetry/core';

/**
 * Emitted once per error a StatsD reporter met (socket error, failed send, bad value).
 * measurements: `{ count: 1 }`; metadata: `{ error: Error, reporter: string }`.
 *
 * ```ts
 * telemetry.attach('statsd-errors', STATSD_ERROR_EVENT, (_event, _m, md) => console.warn(md.reporter, md.error));
 * ```
 */
export const STATSD_ERROR_EVENT: EventName = Object.freeze(['telemetry', 'statsd', 'error']);
