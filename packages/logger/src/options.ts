import type { EventName, Measurements, Metadata } from '@rx-telemetry/core';
import type { Level, Logger } from 'pino';
import type { WriterKind } from './line-writer.js';

/** Options of `attachLogger(telemetry, options)`. */
export interface LoggerOptions {
  /**
   * Log through this pino logger (a child with the redaction is made). Its destination is its
   * own: the bounded buffer, `bufferSize` and the drop counting apply only without it.
   */
  readonly logger?: Logger;
  /** A JSON-lines file, appended to. Default (without `logger`): standard output. */
  readonly destination?: string;
  /** Patterns as in `telemetry.events()`: a prefix, `'*'` for any one segment. Default: every event. */
  readonly events?: readonly EventName[];
  /** The level of each line. Default: `error` for exceptions and handler failures, `warn` for drops, else `info`. */
  readonly level?: (event: EventName, measurements: Measurements, metadata: Metadata) => Level;
  /**
   * Metadata keys to redact (at any key of metadata or one object below), or full pino paths
   * (with `.` or `[`). Default: password, token, secret, authorization, apiKey, cookie. `[]`: none.
   */
  readonly redact?: readonly string[];
  /**
   * The most held in memory (buffered plus being written): bytes of UTF-8 with the `'pino'`
   * writer (SonicBoom's `maxLength`), characters with `'batch'`. Default 4 MiB.
   */
  readonly bufferSize?: number;
  /**
   * How lines reach the destination (not with `logger`). `'pino'` (default): pino's non-blocking
   * destination, `pino.destination({ sync: false, maxLength: bufferSize })`. `'batch'`: this
   * package's batch buffer, one joined `fs.write` per turn of the event loop; measured at about
   * a third of the default writer's time per line (docs/logging.md).
   */
  readonly writer?: WriterKind;
  /**
   * With `writer: 'batch'`: how long lines may wait to be written together, in ms (or until 64 KiB
   * are held). Default 0: the next turn of the event loop. A loop that awaits between events (a
   * GPU kernel loop) otherwise pays a write for every line or two; 100 ms makes it one write per
   * 100 ms (bench/notes/overhead.md). `flush()`, `stop()` and process exit write at once.
   */
  readonly flushIntervalMs?: number;
}

/** What `attachLogger` returns. */
export interface AttachedLogger {
  /**
   * Stops logging: unsubscribes from the bus, removes its health check, writes the last lines and
   * closes the file it opened. Idempotent: every call returns the same promise; `telemetry.shutdown()`
   * calls it. Afterwards every line logged is in the file or counted in `stats().dropped`.
   */
  stop(): Promise<void>;
  /** Resolves once every line logged so far is written. */
  flush(): Promise<void>;
  /**
   * `written`: lines accepted for writing, less those a failed write lost; `dropped`: lines lost to
   * a full buffer, a failed write, a value pino cannot serialize, or logging after `stop()`.
   */
  stats(): { written: number; dropped: number };
}

export const DEFAULT_BUFFER_SIZE = 4 * 1024 * 1024;

function fail(problem: string): never {
  throw new TypeError(`attachLogger: ${problem}`);
}

export function validate(options: LoggerOptions): void {
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const { logger, destination, events, level, redact, bufferSize, writer, flushIntervalMs } = options;
  if (logger !== undefined && (logger === null || typeof logger !== 'object' || typeof logger.child !== 'function')) {
    fail('options.logger must be a pino logger');
  }
  if (destination !== undefined && (typeof destination !== 'string' || destination.length === 0)) {
    fail('options.destination must be a non-empty file path');
  }
  if (logger !== undefined && destination !== undefined) fail('give options.logger or options.destination, not both');
  if (logger !== undefined && bufferSize !== undefined) fail("options.bufferSize applies to the logger's own destination, not to options.logger");
  if (writer !== undefined && writer !== 'pino' && writer !== 'batch') {
    fail(`options.writer must be 'pino' or 'batch', got ${JSON.stringify(writer) ?? String(writer)}`);
  }
  if (logger !== undefined && writer !== undefined) fail("options.writer applies to the logger's own destination, not to options.logger");
  if (flushIntervalMs !== undefined) {
    if (typeof flushIntervalMs !== 'number' || !Number.isInteger(flushIntervalMs) || flushIntervalMs < 0 || flushIntervalMs > 2_147_483_647) {
      fail(`options.flushIntervalMs must be a non-negative integer number of milliseconds, got ${String(flushIntervalMs)}`);
    }
    if (writer !== 'batch') fail("options.flushIntervalMs applies to writer: 'batch' only");
  }
  if (events !== undefined && (!Array.isArray(events) || events.length === 0)) fail('options.events must be a non-empty array of event patterns');
  if (level !== undefined && typeof level !== 'function') fail('options.level must be a function returning a pino level');
  if (redact !== undefined && (!Array.isArray(redact) || redact.some((r) => typeof r !== 'string' || r.length === 0))) {
    fail('options.redact must be an array of non-empty strings');
  }
  if (bufferSize !== undefined && (!Number.isInteger(bufferSize) || bufferSize < 1)) {
    fail(`options.bufferSize must be a positive integer (characters), got ${String(bufferSize)}`);
  }
}
