import { openSync } from 'node:fs';
import { currentTraceContext, matches, type EventName, type Telemetry, type TelemetryEvent } from '@rx-telemetry/core';
import { pino, type Level, type Logger } from 'pino';
import { BoundedBuffer } from './bounded-buffer.js';
import { FastLines } from './fast-line.js';
import type { LineWriter, WriterReports } from './line-writer.js';
import { defaultLevel } from './default-level.js';
import { addTraceContext, exceptionLine, HAS_ERROR, isSpanEvent, scan, SENSITIVE, withoutSpanIds, withSerializedErrors, type LogLine } from './log-line.js';
import { LOGGER_DROPPED_EVENT } from './logger-dropped-event.js';
import { LOGGER_WRITE_FAILED_EVENT } from './logger-write-failed-event.js';
import { NameCache } from './name-cache.js';
import { SonicWriter } from './sonic-writer.js';
import { DEFAULT_BUFFER_SIZE, validate, type AttachedLogger, type LoggerOptions } from './options.js';
import { DEFAULT_REDACT, redactionFor } from './redaction.js';

const LEVELS: ReadonlySet<string> = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
/** How far back the health check looks for dropped lines. */
const HEALTH_WINDOW_MS = 60_000;
let loggerSeq = 0;

/**
 * Opens the destination for appending, readable too when permitted: after a failed write, a torn
 * last line can then be found and cut (see torn-line.ts).
 */
function openDestination(path: string): number {
  try {
    return openSync(path, 'a+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EACCES') throw error;
    return openSync(path, 'a');
  }
}

/**
 * Writes one JSON line per event: `{ level, time, msg, trace_id, span_id, trace_flags,
 * correlationId, measurements, metadata }` (the trace fields while a span is active), exceptions at level error with the error's stack in `err`, secrets redacted by
 * pino. Without `logger`, writing is asynchronous through a bounded buffer: pino's non-blocking
 * destination by default (`writer: 'pino'`), or the faster batch buffer (`writer: 'batch'`).
 * When it is full, lines are dropped and counted, never blocking the emitter; a failing write
 * (full disk) is reported once per episode and costs only the lines it could not write, counted.
 * Registered with the bus (`telemetry.shutdown()` stops it) with a health check that is degraded
 * while lines were dropped in the last minute.
 *
 * ```ts
 * const log = attachLogger(telemetry, { destination: '/var/log/app/telemetry.jsonl', events: [['http'], ['db']] });
 * telemetry.emit(['http', 'request', 'stop'], { duration: 1.2e6 }, { route: '/users', token: 'abc' });
 * await log.flush();  // token is "[Redacted]" in the file
 * log.stats();        // { written: 1, dropped: 0 }
 * await log.stop();   // or telemetry.shutdown(): last lines written, file closed
 * ```
 */
export function attachLogger(telemetry: Telemetry, options: LoggerOptions = {}): AttachedLogger {
  if (telemetry === null || typeof telemetry !== 'object' || typeof telemetry.events !== 'function' || typeof telemetry.manage !== 'function') {
    throw new TypeError('attachLogger: the first argument must be a Telemetry instance');
  }
  validate(options);
  const redaction = redactionFor(options.redact ?? DEFAULT_REDACT);
  const chooseLevel = options.level ?? defaultLevel;
  const destination = options.destination ?? (options.logger === undefined ? 'stdout' : 'logger');
  const name = `logger-${++loggerSeq}`;
  let lastDropAt = -Infinity;

  let buffer: LineWriter | undefined;
  // The logger's own pino instance: lines without redaction are written by FastLines, pino's bytes.
  let fast: FastLines | undefined;
  let plain: Logger;
  let redacting: Logger;
  if (options.logger !== undefined) {
    plain = options.logger;
    redacting = redaction.paths.length === 0 ? plain : options.logger.child({}, { redact: redaction.paths });
  } else {
    let fd = 1;
    if (options.destination !== undefined) {
      try {
        fd = openDestination(options.destination);
      } catch (error) {
        throw new Error(`attachLogger: cannot open destination ${JSON.stringify(options.destination)}: ${(error as Error).message}`);
      }
    }
    const limit = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
    const reports: WriterReports = {
      onDrop: (count, total) => {
        lastDropAt = Date.now();
        telemetry.emit(LOGGER_DROPPED_EVENT, { count, total }, { destination });
      },
      onWriteError: (error) => telemetry.emit(LOGGER_WRITE_FAILED_EVENT, { count: 1 }, { error, code: error.code, destination }),
    };
    const ownsFd = options.destination !== undefined;
    // Both writers get the fd opened above, synchronously, so a bad path throws at attach for either.
    buffer = (options.writer ?? 'pino') === 'pino' ? new SonicWriter(fd, limit, ownsFd, reports) : new BoundedBuffer(fd, limit, ownsFd, reports, options.flushIntervalMs);
    // Every line is written at the level chosen per event; filtering is the level function's job.
    plain = pino({ level: 'trace' }, buffer);
    redacting = redaction.paths.length === 0 ? plain : pino({ level: 'trace', redact: redaction.paths }, buffer);
    fast = new FastLines(plain);
  }

  let written = 0;
  let dropped = 0;
  const names = new NameCache();
  const redactKeys = redaction.keys;
  const always = redaction.always;

  const log = (event: TelemetryEvent): void => {
    try {
      const { name, measurements, metadata } = event;
      const line: LogLine = {
        msg: names.dotted(name),
        trace_id: undefined,
        span_id: undefined,
        trace_flags: undefined,
        correlationId: event.correlationId,
        measurements,
        metadata: isSpanEvent(name, metadata) ? withoutSpanIds(metadata) : metadata,
      };
      // The span of this event (its own, for a span's start/stop/exception) or the innermost one active.
      const trace = currentTraceContext();
      if (trace !== undefined) addTraceContext(line, trace);
      const flags = scan(metadata, redactKeys);
      if (name[name.length - 1] === 'exception' && 'reason' in metadata) exceptionLine(line, line.metadata);
      if ((flags & HAS_ERROR) !== 0) line.metadata = withSerializedErrors(line.metadata);
      let level: Level = chooseLevel(name, measurements, metadata);
      if (!LEVELS.has(level)) level = 'info';
      const target = always || (flags & SENSITIVE) !== 0 ? redacting : plain;
      // A user's logger may filter the level out: only lines it writes count as written.
      if (buffer === undefined && !target.isLevelEnabled(level)) return;
      const text = fast !== undefined && target === plain ? fast.format(level, line) : undefined;
      if (text !== undefined) buffer!.write(text);
      else target[level](line);
      written++;
    } catch {
      // A value pino cannot serialize or a throwing level function: lose the line, not the emitter.
      dropped++;
      lastDropAt = Date.now();
    }
  };

  const patterns = options.events ?? [[]];
  const subscriptions: { unsubscribe(): void }[] = patterns.map((pattern, i) =>
    // An event matching several patterns is logged once, by the first.
    telemetry.events(pattern).subscribe(i === 0 ? log : (e) => (patterns.slice(0, i).some((p) => matches(e.name, p)) ? undefined : log(e))),
  );

  let closed: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    // After stop(), "everything written" includes the file being closed.
    if (closed !== undefined) return closed;
    if (buffer !== undefined) return buffer.flush();
    const user = plain as Logger & { flush?: (cb?: (err?: Error) => void) => void };
    if (typeof user.flush === 'function') await new Promise<void>((resolve) => user.flush?.(() => resolve()));
  };
  const stats = (): { written: number; dropped: number } =>
    buffer === undefined
      ? { written, dropped }
      : // The buffer knows about lines pino handed it; failures before that are counted here.
        { written: buffer.written, dropped: buffer.dropped + dropped };
  const removeHealthCheck = telemetry.addHealthCheck(name, () => {
    const total = stats().dropped;
    if (buffer?.failing === true) return { status: 'degraded', detail: `writes to ${destination} are failing (${total} lines dropped in all)`, value: total };
    return Date.now() - lastDropAt < HEALTH_WINDOW_MS
      ? { status: 'degraded', detail: `log lines were dropped in the last minute (${total} in all)`, value: total }
      : { status: 'healthy', detail: 'no log line dropped in the last minute', value: total };
  });
  // Stopping waits for the file to be closed too: nothing is left in flight when it resolves.
  const stop = telemetry.manage(name, async () => {
    for (const s of subscriptions) s.unsubscribe();
    removeHealthCheck();
    await flush();
    closed = buffer === undefined ? Promise.resolve() : buffer.close();
    await closed;
  });

  return { stop, flush, stats };
}
