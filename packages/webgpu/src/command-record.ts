import type { DeviceProbe } from './device-probe.js';
import type { SpanToken } from './span-events.js';
import type { TimestampSlot } from './timestamp-pool.js';

// These records are built for every dispatch while someone listens, so they are lean: one
// record per encoder, one object per dispatch (which is also its open span), no per-pass or
// per-span objects, no arrays unless an encoder holds more than one dispatch. In an awaited
// dispatch loop every allocation and property write here runs on cold caches (Dawn's polling
// between dispatches evicts them) and costs 5-20x its warm price: see docs/webgpu.md.

/** One dispatch, and its span once submitted while someone listens. */
export interface DispatchInfo {
  readonly kernel: string;
  /** undefined for indirect dispatches. */
  readonly workgroups: readonly [number, number, number] | undefined;
  /** Index of its pass's timestamp pair in the record's slot, or -1 when untimed. */
  readonly timed: number;
  /** Which pass of its encoder it ran in (0-based). */
  readonly pass: number;
  /** Span ids, filled in at submit; spanId 0 = no span open. */
  spanId: number;
  parentSpanId: number | undefined;
  correlationId: string | undefined;
}

/** What an instrumented encoder recorded; it moves to the command buffer at finish(). */
export interface CommandRecord {
  readonly probe: DeviceProbe;
  /** The first dispatch; most encoders hold exactly one. */
  first: DispatchInfo | undefined;
  /** Further dispatches, in order. */
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
  copyTokens: SpanToken[] | undefined;
  slot: TimestampSlot | undefined;
  /** performance.now() just before submit. */
  t0: number;
  /** The next record submitted in the same batch. */
  next: CommandRecord | undefined;
}

export function newRecord(probe: DeviceProbe): CommandRecord {
  return {
    probe,
    first: undefined,
    more: undefined,
    passIndex: -1,
    passTimed: -1,
    passKernel: 'unknown',
    passDispatches: 0,
    crowded: undefined,
    copies: undefined,
    copyTokens: undefined,
    slot: undefined,
    t0: 0,
    next: undefined,
  };
}

/** Records one dispatch in the pass being encoded. */
export function recordDispatch(rec: CommandRecord, workgroups: readonly [number, number, number] | undefined): void {
  if (rec.passDispatches++ === 1) (rec.crowded ??= []).push(rec.passIndex);
  const info: DispatchInfo = {
    kernel: rec.passKernel,
    workgroups,
    timed: rec.passTimed,
    pass: rec.passIndex,
    spanId: 0,
    parentSpanId: undefined,
    correlationId: undefined,
  };
  if (rec.first === undefined) rec.first = info;
  else (rec.more ??= []).push(info);
}

/** The dispatch's GPU time: its pass's, when the pass was timed and held only it. */
export function gpuTime(rec: CommandRecord, d: DispatchInfo, passTimes: number[] | undefined): number | undefined {
  if (passTimes === undefined || d.timed < 0 || (rec.crowded !== undefined && rec.crowded.includes(d.pass))) return undefined;
  return passTimes[d.timed];
}
