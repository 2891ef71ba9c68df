import { HANDLER_FAILURE_EVENT, type EventName } from '@rx-telemetry/core';
import type { Level } from 'pino';
import { LOGGER_DROPPED_EVENT } from './logger-dropped-event.js';
import { LOGGER_WRITE_FAILED_EVENT } from './logger-write-failed-event.js';

function same(a: EventName, b: EventName): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The default level: `error` for span exceptions (`[..., 'exception']`), handler failures and the
 * logger's own write failures, `warn` for its dropped-lines report, `info` for everything else.
 *
 * ```ts
 * defaultLevel(['db', 'query', 'exception']); // 'error'
 * ```
 */
export function defaultLevel(event: EventName): Level {
  if (event[event.length - 1] === 'exception') return 'error';
  if (same(event, HANDLER_FAILURE_EVENT) || same(event, LOGGER_WRITE_FAILED_EVENT)) return 'error';
  if (same(event, LOGGER_DROPPED_EVENT)) return 'warn';
  return 'info';
}
