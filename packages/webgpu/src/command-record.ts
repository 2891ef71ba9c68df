import type { DeviceProbe } from './device-probe.js';
import type { DispatchToken } from './dispatch-span.js';
import type { SpanToken } from './span-events.js';
import type { TimestampSlot } from './timestamp-pool.js';

// These records are built for every dispatch while someone listens, so they are lean: arrays
// only where there is something to hold, no per-dispatch closures. Allocation here showed up
// several times over in dispatch latency (each young-generation GC also walks Dawn's wrappers).

/** One compute pass of a recorded encoder. */
export interface PassRecord {
  readonly rec: CommandRecord;
  /** Index of its timestamp pair in the record's slot, or -1 when untimed. */
  readonly timed: number;
  kernel: string;
  /** Dispatches in this pass: its GPU time is one dispatch's only when this is 1. */
  dispatches: number;
}

/** One dispatch. `workgroups` is undefined for indirect dispatches. */
export interface DispatchInfo {
  readonly kernel: string;
  readonly workgroups: readonly [number, number, number] | undefined;
  readonly pass: PassRecord;
  /** The open span, once submitted while someone listens. */
  token: DispatchToken | undefined;
}

/** What an instrumented encoder recorded; it moves to the command buffer at finish(). */
export interface CommandRecord {
  readonly probe: DeviceProbe;
  dispatches: DispatchInfo[] | undefined;
  /** Bytes of each copyBufferToBuffer, and their open spans once submitted. */
  copies: number[] | undefined;
  copyTokens: SpanToken[] | undefined;
  slot: TimestampSlot | undefined;
  /** performance.now() at submit. */
  t0: number;
}

export function newRecord(probe: DeviceProbe): CommandRecord {
  return { probe, dispatches: undefined, copies: undefined, copyTokens: undefined, slot: undefined, t0: 0 };
}
