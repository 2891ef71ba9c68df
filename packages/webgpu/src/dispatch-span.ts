import { performance } from 'node:perf_hooks';
import { correlationId, currentSpanId, nextSpanId } from '@rx-telemetry/core';
import type { DurationCategory } from './category.js';
import { ns, type SpanEvents, type SpanToken } from './span-events.js';

const origin = performance.timeOrigin;

/** An open dispatch span: the fields its stop event repeats. */
export interface DispatchToken extends SpanToken {
  readonly kernel: string;
  readonly device: string;
  readonly workgroups: readonly [number, number, number] | undefined;
  readonly spanId: number;
  readonly parentSpanId: number | undefined;
  readonly correlationId: string | undefined;
}

// The dispatch span's events are built from object literals of fixed shapes rather than through
// SpanEvents' generic copying: they run once per dispatch, the stop between Dawn's completion
// callback and the caller's continuation, and spreading/extending objects of varying shapes
// cost several hundred ns each there.

export function openDispatch(
  events: SpanEvents,
  kernel: string,
  device: string,
  workgroups: readonly [number, number, number] | undefined,
  t0: number,
): DispatchToken {
  const spanId = nextSpanId();
  const parentSpanId = currentSpanId();
  const correlation = correlationId();
  const metadata =
    parentSpanId === undefined
      ? correlation === undefined
        ? { kernel, device, workgroups, spanId }
        : { kernel, device, workgroups, spanId, correlationId: correlation }
      : correlation === undefined
        ? { kernel, device, workgroups, spanId, parentSpanId }
        : { kernel, device, workgroups, spanId, parentSpanId, correlationId: correlation };
  if (events.start.active) events.start.emit({ monotonicTime: ns(t0), systemTime: Math.round(origin + t0) }, metadata);
  return { t0, metadata, kernel, device, workgroups, spanId, parentSpanId, correlationId: correlation };
}

export function stopDispatch(
  events: SpanEvents,
  t: DispatchToken,
  duration: number,
  gpuDuration: number | undefined,
  monotonicTime: number,
  category: DurationCategory,
): void {
  const { kernel, device, workgroups, spanId, parentSpanId } = t;
  const correlation = t.correlationId;
  const metadata =
    parentSpanId === undefined
      ? correlation === undefined
        ? { kernel, device, workgroups, spanId, category }
        : { kernel, device, workgroups, spanId, correlationId: correlation, category }
      : correlation === undefined
        ? { kernel, device, workgroups, spanId, parentSpanId, category }
        : { kernel, device, workgroups, spanId, parentSpanId, correlationId: correlation, category };
  events.stop.emit(gpuDuration === undefined ? { duration, monotonicTime } : { duration, gpuDuration, monotonicTime }, metadata);
}
