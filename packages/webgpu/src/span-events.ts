import { performance } from 'node:perf_hooks';
import { correlationId, currentSpanId, type EventHandle, type EventName, type Measurements, type Metadata, nextSpanId, type Telemetry } from '@rx-telemetry/core';

const origin = performance.timeOrigin;

/** One open span: what its stop or exception event needs. */
export interface SpanToken {
  readonly t0: number;
  readonly metadata: Metadata;
}

/**
 * start/stop/exception events with the shapes of core's `span()` (see docs/events.md), for
 * spans that do not fit in one callback: a dispatch starts at submit and stops when the GPU is
 * done, possibly after other work was submitted.
 */
export class SpanEvents {
  readonly start: EventHandle;
  readonly stop: EventHandle;
  readonly exception: EventHandle;
  readonly prefix: EventName;

  constructor(
    readonly telemetry: Telemetry,
    prefix: EventName,
  ) {
    this.prefix = Object.freeze([...prefix]);
    this.start = telemetry.event([...prefix, 'start']);
    this.stop = telemetry.event([...prefix, 'stop']);
    this.exception = telemetry.event([...prefix, 'exception']);
  }

  /** Someone wants these spans: a handler or stream, or a span-context hook (the OTel bridge). */
  get active(): boolean {
    return this.start.active || this.stop.active || this.exception.active || this.telemetry.spansObserved;
  }

  /** Someone wants the end of these spans: a stop handler or a span-context hook. */
  get stopWanted(): boolean {
    return this.stop.active || this.telemetry.spansObserved;
  }

  /** Tells span-context hooks (`telemetry.reportSpanStart`) that a span started. */
  reportStart(spanId: number, parentSpanId: number | undefined, correlation: string | undefined, metadata: Metadata, t0: number): void {
    if (!this.telemetry.spansObserved) return;
    this.telemetry.reportSpanStart({
      prefix: this.prefix,
      spanId,
      parentSpanId,
      correlationId: correlation,
      metadata,
      monotonicTime: ns(t0),
      systemTime: Math.round(origin + t0),
    });
  }

  /** Tells span-context hooks that a span ended (`telemetry.reportSpanEnd`). */
  reportEnd(spanId: number, duration: number, monotonicTime: number, error: unknown, failed: boolean, metadata: Metadata | undefined): void {
    if (!this.telemetry.spansObserved) return;
    this.telemetry.reportSpanEnd(this.prefix, { spanId, duration, monotonicTime, failed, error, metadata });
  }

  /** Opens a span at `t0` (a performance.now() reading) and emits its start event. */
  begin(metadata: Record<string, unknown>, t0: number = performance.now()): SpanToken {
    metadata.spanId = nextSpanId();
    const parent = currentSpanId();
    if (parent !== undefined) metadata.parentSpanId = parent;
    const correlation = correlationId();
    if (correlation !== undefined) metadata.correlationId = correlation;
    if (this.start.active) this.start.emit({ monotonicTime: ns(t0), systemTime: Math.round(origin + t0) }, metadata);
    this.reportStart(metadata.spanId as number, parent, correlation, metadata, t0);
    return { t0, metadata };
  }

  /** Emits the stop event; `duration` defaults to now - t0. */
  end(token: SpanToken, measurements: Measurements, extra?: Metadata, t1: number = performance.now()): void {
    this.reportEnd(token.metadata.spanId as number, ns(t1 - token.t0), ns(t1), undefined, false, extra);
    if (!this.stop.active) return;
    this.stop.emit(
      { duration: ns(t1 - token.t0), ...measurements, monotonicTime: ns(t1) },
      extra === undefined ? token.metadata : { ...token.metadata, ...extra },
    );
  }

  /** Emits the exception event with core's error metadata (kind, reason, stacktrace); `duration` defaults to now - t0. */
  fail(token: SpanToken, error: unknown, extra?: Metadata, measurements: Measurements = {}): void {
    const t1 = performance.now();
    this.reportEnd(token.metadata.spanId as number, ns(t1 - token.t0), ns(t1), error, true, extra);
    if (!this.exception.active) return;
    this.exception.emit(
      { duration: ns(t1 - token.t0), ...measurements, monotonicTime: ns(t1) },
      {
        ...token.metadata,
        ...extra,
        kind: 'error',
        reason: error,
        stacktrace: error instanceof Error ? (error.stack ?? String(error)) : String(error),
      },
    );
  }
}

/** performance.now() milliseconds to integer nanoseconds. */
export function ns(ms: number): number {
  return Math.round(ms * 1e6);
}
