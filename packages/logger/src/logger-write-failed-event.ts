import type { EventName } from '@rx-telemetry/core';

/**
 * Emitted once per episode of failing writes (a full disk, a file over its size limit, a closed
 * descriptor): at the first failure, and again only after a write has succeeded since. The lines
 * the failures cost are counted in `stats().dropped` and reported by `LOGGER_DROPPED_EVENT`.
 * measurements: `{ count: 1 }`; metadata: `{ error: Error, code: string | undefined, destination: string }`.
 *
 * ```ts
 * telemetry.attach('log-write', LOGGER_WRITE_FAILED_EVENT, (_event, _m, md) => console.error('telemetry log:', md.code));
 * ```
 */
export const LOGGER_WRITE_FAILED_EVENT: EventName = Object.freeze(['telemetry', 'logger', 'write_failed']);
