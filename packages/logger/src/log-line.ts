import type { Measurements, Metadata, TraceContext } from '@rx-telemetry/core';
import { stdSerializers } from 'pino';

/**
 * The object pino serializes into one line. Field names of the trace context are those of
 * OpenTelemetry's log data model as pino's OpenTelemetry instrumentation writes them.
 */
export interface LogLine {
  /** The event name joined with '.'. */
  msg: string;
  trace_id?: string;
  span_id?: string;
  /** Two lowercase hex digits, as in `traceparent` ('01': sampled). */
  trace_flags?: string;
  correlationId: string | undefined;
  measurements: Measurements;
  metadata: Metadata;
  err?: unknown;
}

const FLAGS: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Writes the W3C ids of the active span (or remote parent) into the line. */
export function addTraceContext(line: LogLine, ctx: TraceContext): void {
  line.trace_id = ctx.traceId;
  line.span_id = ctx.spanId;
  line.trace_flags = FLAGS[ctx.traceFlags & 0xff];
}

/**
 * A span event's metadata without the ids core puts first (`spanId`, `parentSpanId`,
 * `correlationId`): the line carries the span's W3C ids and the correlation id once, at top level.
 */
export function withoutSpanIds(metadata: Metadata): Metadata {
  const out: Record<string, unknown> = {};
  for (const key in metadata) {
    if (key !== 'spanId' && key !== 'parentSpanId' && key !== 'correlationId') out[key] = metadata[key];
  }
  return out;
}

/** True for a span's start, stop or exception event, whose metadata core starts with its ids. */
export function isSpanEvent(name: readonly string[], metadata: Metadata): boolean {
  if (typeof metadata.spanId !== 'number') return false;
  const last = name[name.length - 1];
  return last === 'start' || last === 'stop' || last === 'exception';
}

export const SENSITIVE = 1;
export const HAS_ERROR = 2;

/**
 * One pass over metadata (and one level below): does it hold a key to redact, or an Error that
 * JSON would print as `{}`?
 */
export function scan(metadata: Metadata, keys: ReadonlySet<string>): number {
  let flags = 0;
  for (const key in metadata) {
    if (keys.has(key)) flags |= SENSITIVE;
    const value = metadata[key];
    if (value !== null && typeof value === 'object') {
      if (value instanceof Error) flags |= HAS_ERROR;
      else if (!Array.isArray(value) && (flags & SENSITIVE) === 0) {
        for (const inner in value as Record<string, unknown>) {
          if (keys.has(inner)) {
            flags |= SENSITIVE;
            break;
          }
        }
      }
    }
  }
  return flags;
}

/** Metadata with each Error value replaced by pino's serialized form (type, message, stack). */
export function withSerializedErrors(metadata: Metadata): Metadata {
  const out: Record<string, unknown> = {};
  for (const key in metadata) {
    const value = metadata[key];
    out[key] = value instanceof Error ? stdSerializers.err(value) : value;
  }
  return out;
}

/** A span exception: the error goes to pino's `err` (with its stack), not twice into metadata. */
export function exceptionLine(line: LogLine, metadata: Metadata): void {
  const { reason, stacktrace, ...rest } = metadata;
  line.err = reason instanceof Error ? reason : { message: String(reason), stack: typeof stacktrace === 'string' ? stacktrace : undefined };
  line.metadata = rest;
}
