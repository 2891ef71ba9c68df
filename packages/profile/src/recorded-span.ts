import type { EventName, Metadata } from '@rx-telemetry/core';

/** One span as a profile holds it: what core told the span-context hooks at its start and end. */
export interface RecordedSpan {
  /** The prefix joined with dots, e.g. `'compute.kernel.dispatch'`. */
  readonly name: string;
  readonly prefix: EventName;
  readonly spanId: number;
  readonly parentSpanId: number | undefined;
  readonly correlationId: string | undefined;
  /** Start, monotonic nanoseconds (core's clock: `performance.now()` in ns). */
  readonly startNs: number;
  /** The stop (or exception) event's `duration` in ns; `undefined` while the span is open. */
  readonly durationNs: number | undefined;
  /** The start event's metadata, then what the span added at its end (`scope.set`, `stop(…, metadata)`). */
  readonly metadata: Metadata;
  /** True when the span ended with an exception; `error` holds the reason. */
  readonly failed: boolean;
  readonly error: unknown;
  /** GPU time from timestamp queries: the dispatch stop event's `gpuDuration` (ns), when it had one. */
  readonly gpuDurationNs: number | undefined;
}

/** One reading of a counter (memory, say), drawn as a `C` event. */
export interface CounterSample {
  readonly name: string;
  /** Monotonic nanoseconds. */
  readonly ns: number;
  readonly value: number;
  /** The device whose track holds it (its `device` metadata, e.g. `'gpu0'`); the process when absent. */
  readonly device?: string;
}
