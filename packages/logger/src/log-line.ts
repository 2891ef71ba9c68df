import type { Measurements, Metadata } from '@rx-telemetry/core';
import { stdSerializers } from 'pino';

/** The object pino serializes into one line. */
export interface LogLine {
  event: string;
  measurements: Measurements;
  metadata: Metadata;
  correlationId: string | undefined;
  spanId: number | undefined;
  err?: unknown;
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
