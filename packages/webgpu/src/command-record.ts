import type { OpenSpan } from '@rx-telemetry/core';
import type { TimestampPool, TimestampSlot } from './timestamp-pool.js';

// These records are built for every dispatch while someone listens, so they are lean: one
// record per encoder, no per-pass objects, no arrays unless an encoder holds more than one
// dispatch. The first dispatch lives in the record's own fields, its span too; only further
// dispatches of the same encoder get a DispatchInfo (which is also their open span). In an awaited
// dispatch loop the work before submit and after completion delays the caller, and there each
// allocation and property write costs many times its warm price: see docs/webgpu.md.

/** One dispatch, and its span once submitted while someone listens. */
export interface DispatchInfo {
  readonly kernel: string;
  /** undefined for indirect dispatches. */
  readonly workgroups: readonly [number, number, number] | undefined;
  /** Index of its pass's timestamp pair in the record's slot, or -1 when untimed. */
  readonly timed: number;
  /** Which pass of its encoder it ran in (0-based). */
  readonly pass: number;
  /** Its span, opened at submit while someone observes dispatch spans. */
  span: OpenSpan | undefined;
}

/** What an encoder's record needs from its device (the device's probe). */
export interface RecordOwner {
  /** Whether compute passes get timestamp writes. */
  readonly timestamps: boolean;
  readonly pool: TimestampPool;
  /** Recorded command buffers not yet submitted. */
  pending: number;
  /** A record whose spans have all ended, kept for the next encoder (takeRecord). */
  spare: CommandRecord | undefined;
  kernelName(pipeline: GPUComputePipeline): string;
}

/** What an instrumented encoder recorded; it moves to the command buffer at finish(). */
export interface CommandRecord {
  readonly probe: RecordOwner;
  /** Dispatches recorded. The first one's facts are kept in fields until submit. */
  count: number;
  kernel0: string;
  x0: number;
  y0: number;
  z0: number;
  /** -1: the first dispatch was indirect. */
  timed0: number;
  pass0: number;
  indirect0: boolean;
  /** The first dispatch's span, opened after submit while someone observes dispatch spans. */
  span0: OpenSpan | undefined;
  /** Further dispatches, in order (recorded as they come: rare). */
  more: DispatchInfo[] | undefined;
  /** The pass being encoded: index, timestamp pair, pipeline name, dispatches so far. */
  passIndex: number;
  passTimed: number;
  passKernel: string;
  passDispatches: number;
  /** Passes that held more than one dispatch: their GPU time is no single dispatch's. */
  crowded: number[] | undefined;
  /** Bytes of each copyBufferToBuffer, and their open spans once submitted. */
  copies: number[] | undefined;
  copySpans: OpenSpan[] | undefined;
  slot: TimestampSlot | undefined;
  /** performance.now() just before submit. */
  t0: number;
  /** performance.now() when its completion promise resolved (a timed record's stop follows its timestamp read). */
  t1: number;
  /** The next record submitted in the same batch. */
  next: CommandRecord | undefined;
}

export function newRecord(probe: RecordOwner): CommandRecord {
  return {
    probe,
    count: 0,
    kernel0: '',
    x0: 0,
    y0: 0,
    z0: 0,
    timed0: -1,
    pass0: 0,
    indirect0: false,
    span0: undefined,
    more: undefined,
    passIndex: -1,
    passTimed: -1,
    passKernel: 'unknown',
    passDispatches: 0,
    crowded: undefined,
    copies: undefined,
    copySpans: undefined,
    slot: undefined,
    t0: 0,
    t1: 0,
    next: undefined,
  };
}

/**
 * A record for a new encoder: the owner's spare one, reset, else a new one. An awaited dispatch
 * loop then writes one record's fields over and over instead of allocating ~200 bytes per
 * dispatch (the spare is given back once its spans have ended: DeviceProbe.#stop).
 */
export function takeRecord(probe: RecordOwner): CommandRecord {
  const rec = probe.spare;
  if (rec === undefined) return newRecord(probe);
  probe.spare = undefined;
  rec.count = 0;
  rec.timed0 = -1;
  rec.indirect0 = false;
  rec.span0 = undefined;
  rec.more = undefined;
  rec.passIndex = -1;
  rec.passTimed = -1;
  rec.passKernel = 'unknown';
  rec.passDispatches = 0;
  rec.crowded = undefined;
  rec.copies = undefined;
  rec.copySpans = undefined;
  rec.slot = undefined;
  rec.next = undefined;
  return rec;
}

/** Records one dispatch in the pass being encoded (`indirect`: its counts are on the GPU). */
export function recordDispatch(rec: CommandRecord, x: number, y: number, z: number, indirect: boolean): void {
  if (rec.passDispatches++ === 1) (rec.crowded ??= []).push(rec.passIndex);
  if (rec.count++ === 0) {
    rec.kernel0 = rec.passKernel;
    rec.x0 = x;
    rec.y0 = y;
    rec.z0 = z;
    rec.indirect0 = indirect;
    rec.timed0 = rec.passTimed;
    rec.pass0 = rec.passIndex;
    return;
  }
  const info = dispatchInfo(rec.passKernel, indirect ? undefined : [x, y, z], rec.passTimed, rec.passIndex);
  (rec.more ??= []).push(info);
}

export function dispatchInfo(kernel: string, workgroups: readonly [number, number, number] | undefined, timed: number, pass: number): DispatchInfo {
  return { kernel, workgroups, timed, pass, span: undefined };
}

/** A dispatch's GPU time: its pass's (`timed`: the pass's timestamp pair, `pass`: its index), when the pass was timed and held only it. */
export function gpuTime(rec: CommandRecord, timed: number, pass: number, passTimes: readonly number[] | undefined): number | undefined {
  if (passTimes === undefined || timed < 0 || (rec.crowded !== undefined && rec.crowded.includes(pass))) return undefined;
  return passTimes[timed];
}
