import type { EventName, Metadata } from './event-name.js';
import type { TraceContext } from './trace-context.js';

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
  /** The W3C context this span's trace continues (an enclosing span's, or a `withTraceparent` remote parent), if any. */
  parentTraceContext(): TraceContext | undefined;
  /**
   * Gives the span the W3C ids another context system made for it (the OTel bridge passes its
   * own span's ids), so events, logs and exported spans carry one trace id and span id.
   */
  adoptTraceContext(context: TraceContext): void;
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

/** How a span ended, as told to a hook's `onEnd` (see `bindSpanContext`). */
export interface SpanEndInfo {
  readonly spanId: number;
  /** Nanoseconds from start to end: the stop (or exception) event's `duration`. */
  readonly duration: number;
  /** End time, monotonic nanoseconds. */
  readonly monotonicTime: number;
  /** True when the callback threw or its promise rejected; `error` then holds the reason. */
  readonly failed: boolean;
  readonly error: unknown;
  /** What the callback added with `scope.set()`, if anything. */
  readonly metadata: Metadata | undefined;
}

/**
 * Options of `bindSpanContext`. `onEnd` is called when a span ends while the hook is
 * registered, so a context system can close what its hook opened; it may see ids of spans that
 * started before the hook was registered (ignore those). A throwing `onEnd` is reported as a
 * handler failure with id `'span-context'`, never thrown into the span.
 *
 * ```ts
 * telemetry.bindSpanContext(hook, { onEnd: (end) => close(end.spanId, end.duration, end.error) });
 * ```
 */
export interface SpanContextOptions {
  readonly onEnd?: (end: SpanEndInfo) => void;
  /**
   * Called for spans whose callback the hook cannot wrap: span-shaped events a package emits by
   * hand with `telemetry.startSpan()` / `spanEvent().start()` (a GPU dispatch starts at submit and
   * stops when the device is done). Such spans end through `onEnd` like any other.
   */
  readonly onStart?: (span: SpanContextInfo) => void;
}
