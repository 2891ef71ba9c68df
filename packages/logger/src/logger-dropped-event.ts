import type { EventName } from '@rx-telemetry/core';

/**
 * Emitted once the writer has room again (the `'batch'` writer after a batch is written, the
 * `'pino'` writer when its destination drains) and on `flush()`, when lines were dropped since
 * the last report because the logger's buffer was full.
 * measurements: `{ count, total }` (dropped since the last report, dropped in all);
 * metadata: `{ destination: string }`.
 *
 * ```ts
 * telemetry.attach('log-drops', LOGGER_DROPPED_EVENT, (_event, m) => console.warn(`${m.count} log lines dropped`));
 * ```
 */
export const LOGGER_DROPPED_EVENT: EventName = Object.freeze(['telemetry', 'logger', 'dropped']);
