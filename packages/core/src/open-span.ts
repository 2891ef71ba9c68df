import type { Measurements, Metadata } from './event-name.js';
import type { SpanScope } from './span-scope.js';
import type { TraceContext } from './trace-context.js';

/**
 * A span that is open until `stop()` or `exception()`: for work that does not fit in one
 * callback (a GPU dispatch starts at submit and ends when the device is done). Get one from
 * `telemetry.startSpan(prefix, metadata)` or, on a hot path, `telemetry.spanEvent(prefix).start()`.
 * Times are `performance.now()` milliseconds (core's `now()`); both default to the present.
 *
 * ```ts
 * const span = telemetry.startSpan(['gpu', 'dispatch'], { kernel: 'add' });
 * queue.onSubmittedWorkDone().then(() => span.stop({ gpuDuration }), (err) => span.exception(err));
 * ```
 */
export interface OpenSpan extends SpanScope {
  /** The id of the enclosing span when this one started, if any. */
  readonly parentSpanId: number | undefined;
  readonly correlationId: string | undefined;
  /** When it started, a `performance.now()` reading (ms). */
  readonly startTime: number;
  /** This span's W3C ids (made on first read), e.g. for a `traceparent` header on an outgoing request; undefined for a no-op span. */
  traceContext(): TraceContext | undefined;
  /** Merges metadata into the end event. */
  set(metadata: Metadata): OpenSpan;
  /** Merges measurements into the end event (stop or exception); `duration` and `monotonicTime` are never overridden. */
  measure(measurements: Measurements): OpenSpan;
  /** Emits `[...prefix, 'stop']`: `duration` and `monotonicTime` come from the times, `measurements` are added. A second end is ignored. */
  stop(measurements?: Measurements, metadata?: Metadata, endTime?: number): void;
  /** Emits `[...prefix, 'exception']` with `kind`, `reason` and `stacktrace`. A second end is ignored. */
  exception(error: unknown, metadata?: Metadata, endTime?: number): void;
}

/** The span handed out when nobody observes it: it records nothing. */
export const NOOP_SPAN: OpenSpan = Object.freeze({
  spanId: 0,
  parentSpanId: undefined,
  correlationId: undefined,
  startTime: 0,
  set(): OpenSpan {
    return NOOP_SPAN;
  },
  measure(): OpenSpan {
    return NOOP_SPAN;
  },
  traceContext(): undefined {
    return undefined;
  },
  stop(): void {},
  exception(): void {},
});
