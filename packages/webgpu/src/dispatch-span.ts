import type { Measurements, Metadata, OpenSpan, SpanEvent } from '@rx-telemetry/core';
import { categorize, type DurationCategory } from './category.js';
import type { DispatchInfo } from './command-record.js';

// A dispatch's span is core's OpenSpan: started at submit (stamped with the clock reading taken
// just before it), ended when the GPU is done. These helpers only fix its metadata: the start's
// literal has one shape, and the stop's category is one of four shared objects, so nothing is
// allocated for it between Dawn's completion callback and the caller's continuation.

const CATEGORY: Readonly<Record<DurationCategory, Metadata>> = {
  fast: Object.freeze({ category: 'fast' }),
  normal: Object.freeze({ category: 'normal' }),
  slow: Object.freeze({ category: 'slow' }),
  very_slow: Object.freeze({ category: 'very_slow' }),
};

/** Opens the dispatch's span at `t0` (a performance.now() reading); call only while `events.active`. */
export function openDispatch(events: SpanEvent, d: DispatchInfo, device: string, t0: number): void {
  d.span = events.start({ kernel: d.kernel, device, workgroups: d.workgroups }, t0);
}

/** Stops the dispatch's span at `t1`, with `duration` (ns, t1 - t0) giving its category and `measurements` added. */
export function stopDispatch(d: DispatchInfo, duration: number, measurements: Measurements | undefined, t1: number): void {
  const span = d.span;
  if (span === undefined) return;
  d.span = undefined;
  stopSpan(span, duration, measurements, t1);
}

/** Stops a dispatch span (stopDispatch without the DispatchInfo). */
export function stopSpan(span: OpenSpan, duration: number, measurements: Measurements | undefined, t1: number): void {
  span.stop(measurements, CATEGORY[categorize(duration)], t1);
}

/** The stop's extra measurements: `gpuDuration` when the pass was timed for this dispatch alone. */
export function gpuMeasurements(gpuDuration: number | undefined): Measurements | undefined {
  return gpuDuration === undefined ? undefined : { gpuDuration };
}

/** Ends the dispatch's span with an exception event. */
export function failDispatch(d: DispatchInfo, error: unknown): void {
  const span = d.span;
  if (span === undefined) return;
  d.span = undefined;
  span.exception(error);
}

/**
 * A device's dispatch start metadata, the last one kept: a loop dispatching the same kernel with
 * the same workgroup counts reuses it instead of building an object and an array per dispatch.
 * Core copies it into each start event; the workgroups array, shared by those events, is frozen.
 * The object is frozen too: core copies frozen plain metadata it is passed again through a literal
 * made for its keys, and merges it with the (frozen) stop category the same way, instead of a
 * spread and Object.assign (core's metadata-shape.ts).
 */
export class StartMetadata {
  #kernel = '';
  #x = -1;
  #y = -1;
  #z = -1;
  #last: Metadata | undefined = undefined;

  constructor(readonly device: string) {}

  /** `indirect`: the counts are on the GPU (workgroups undefined). */
  of(kernel: string, x: number, y: number, z: number, indirect: boolean): Metadata {
    if (indirect) return { kernel, device: this.device, workgroups: undefined };
    if (kernel === this.#kernel && x === this.#x && y === this.#y && z === this.#z) return this.#last!;
    this.#kernel = kernel;
    this.#x = x;
    this.#y = y;
    this.#z = z;
    return (this.#last = Object.freeze({ kernel, device: this.device, workgroups: Object.freeze([x, y, z]) }));
  }
}
