import { performance } from 'node:perf_hooks';
import { correlationId, currentSpanId, nextSpanId, type Measurements } from '@rx-telemetry/core';
import type { DurationCategory } from './category.js';
import type { DispatchInfo } from './command-record.js';
import { ns, type SpanEvents } from './span-events.js';

const origin = performance.timeOrigin;

// The dispatch span's events are built from object literals of fixed shapes rather than through
// SpanEvents' generic copying: they run once per dispatch, the stop between Dawn's completion
// callback and the caller's continuation, and spreading/extending objects of varying shapes
// cost several hundred ns each there. The span's ids live on the DispatchInfo itself.

function metadataOf(d: DispatchInfo, device: string): Record<string, unknown> {
  const { kernel, workgroups, spanId, parentSpanId, correlationId: correlation } = d;
  return parentSpanId === undefined
    ? correlation === undefined
      ? { kernel, device, workgroups, spanId }
      : { kernel, device, workgroups, spanId, correlationId: correlation }
    : correlation === undefined
      ? { kernel, device, workgroups, spanId, parentSpanId }
      : { kernel, device, workgroups, spanId, parentSpanId, correlationId: correlation };
}

/** Opens the dispatch's span (ids from the caller's context) and emits its start event at `t0`. */
export function openDispatch(events: SpanEvents, d: DispatchInfo, device: string, t0: number): void {
  d.spanId = nextSpanId();
  d.parentSpanId = currentSpanId();
  d.correlationId = correlationId();
  if (events.start.active) events.start.emit({ monotonicTime: ns(t0), systemTime: Math.round(origin + t0) }, metadataOf(d, device));
  if (events.telemetry.spansObserved) events.reportStart(d.spanId, d.parentSpanId, d.correlationId, metadataOf(d, device), t0);
  // Built now, while the GPU runs, rather than between Dawn's completion and the caller's wake-up.
  if (events.stop.active) d.stopMetadata = stopMetadataOf(d, device);
}

export function stopDispatch(
  events: SpanEvents,
  d: DispatchInfo,
  device: string,
  duration: number,
  gpuDuration: number | undefined,
  monotonicTime: number,
  category: DurationCategory,
): void {
  emitStop(events, d, device, gpuDuration === undefined ? { duration, monotonicTime } : { duration, gpuDuration, monotonicTime }, category);
}

/** The stop event with the given measurements (the backend's carry rates too). */
export function emitStop(events: SpanEvents, d: DispatchInfo, device: string, measurements: Measurements, category: DurationCategory): void {
  const metadata = d.stopMetadata ?? stopMetadataOf(d, device);
  d.stopMetadata = undefined;
  if (category !== 'fast') metadata.category = category;
  events.stop.emit(measurements, metadata);
  if (events.telemetry.spansObserved) {
    const gpu = measurements.gpuDuration;
    events.reportEnd(d.spanId, measurements.duration, measurements.monotonicTime, undefined, false, gpu === undefined ? { category } : { category, gpuDuration: gpu });
  }
}

function stopMetadataOf(d: DispatchInfo, device: string): Record<string, unknown> {
  const { kernel, workgroups, spanId, parentSpanId } = d;
  const correlation = d.correlationId;
  const category: DurationCategory = 'fast';
  return parentSpanId === undefined
    ? correlation === undefined
      ? { kernel, device, workgroups, spanId, category }
      : { kernel, device, workgroups, spanId, correlationId: correlation, category }
    : correlation === undefined
      ? { kernel, device, workgroups, spanId, parentSpanId, category }
      : { kernel, device, workgroups, spanId, parentSpanId, correlationId: correlation, category };
}

/** The exception event of an open dispatch span that started at `t0`. */
export function failDispatch(events: SpanEvents, d: DispatchInfo, device: string, t0: number, error: unknown): void {
  events.fail({ t0, metadata: metadataOf(d, device) }, error);
}
