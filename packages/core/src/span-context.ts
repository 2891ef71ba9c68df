import type { EventName, Metadata } from './event-name.js';

/** What a span-context hook learns about a span when its callback is about to run. */
export interface SpanContextInfo {
  readonly prefix: EventName;
  readonly spanId: number;
  readonly parentSpanId: number | undefined;
  readonly correlationId: string | undefined;
  /** The start event's metadata (spanId, parentSpanId and correlationId included). */
  readonly metadata: Metadata;
  /** Start time, monotonic nanoseconds. */
  readonly monotonicTime: number;
  /** Start time, milliseconds since the epoch. */
  readonly systemTime: number;
}

/**
 * Runs a span's callback inside another context system (OpenTelemetry's, for instance), the
 * way `diagnostics_channel`'s `bindStore`/`runStores` do. It must call `fn` exactly once and
 * return its result unchanged.
 *
 * ```ts
 * telemetry.bindSpanContext((span, fn) => otelContext.with(contextFor(span.spanId), fn));
 * ```
 */
export type SpanContextHook = <T>(span: SpanContextInfo, fn: () => T) => T;
