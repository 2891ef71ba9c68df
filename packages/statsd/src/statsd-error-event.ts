import type { EventName } from '@rx-telemetry/core';

/**
 * Emitted once per error a StatsD reporter met (socket error, failed send, bad value).
 * measurements: `{ count: 1 }`; metadata: `{ error: Error, reporter: string }`.
 */
export const STATSD_ERROR_EVENT: EventName = Object.freeze(['telemetry', 'statsd', 'error']);
