import type { EventName, Metadata, SpanContextInfo } from '@rx-telemetry/core';

/**
 * What subscribers of the spans' TracingChannel receive: one object per span, the same one on
 * each of its `start`, `end`, `asyncStart`, `asyncEnd` and `error` publications (the
 * TracingChannel convention), filled in as the span goes.
 */
export class SpanMessage {
  /** The span's prefix joined with dots, e.g. `'http.server.request'`. */
  readonly name: string;
  readonly prefix: EventName;
  readonly spanId: number;
  readonly parentSpanId: number | undefined;
  readonly correlationId: string | undefined;
  /** The start event's metadata (ids included). */
  readonly metadata: Metadata;
  /** Start time, monotonic nanoseconds. */
  readonly monotonicTime: number;
  /** Start time, milliseconds since the epoch. */
  readonly systemTime: number;
  /** Nanoseconds from start to end; set before `asyncStart` (spans that end after their callback returned, or opened by hand). */
  duration: number | undefined = undefined;
  /** What the span added to its end event (`scope.set()`, `stop(…, metadata)`), set with `duration`. */
  endMetadata: Metadata | undefined = undefined;
  /** The callback's return value (a synchronous span), set before `end`. */
  result: unknown = undefined;
  /** Why it failed, set before `error`. */
  error: unknown = undefined;

  constructor(span: SpanContextInfo) {
    this.prefix = span.prefix;
    this.name = span.prefix.join('.');
    this.spanId = span.spanId;
    this.parentSpanId = span.parentSpanId;
    this.correlationId = span.correlationId;
    this.metadata = span.metadata;
    this.monotonicTime = span.monotonicTime;
    this.systemTime = span.systemTime;
  }
}
