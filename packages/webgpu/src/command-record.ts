import type { TimestampSlot } from './timestamp-pool.js';

/** One dispatch recorded in a compute pass. `workgroups` is undefined for indirect dispatches. */
export interface DispatchInfo {
  readonly kernel: string;
  readonly workgroups: readonly [number, number, number] | undefined;
  readonly pass: number;
}

/** What an instrumented encoder recorded, attached to the command buffer it finished into. */
export interface CommandRecord {
  readonly dispatches: DispatchInfo[];
  /** Bytes of each copyBufferToBuffer. */
  readonly copies: number[];
  slot: TimestampSlot | undefined;
  /** Per pass: its index in the timestamp slot, or -1 when untimed. */
  readonly passSlot: number[];
  /** Per pass: how many dispatches it holds (a pass's GPU time is one dispatch's only if 1). */
  readonly passDispatches: number[];
}

export function newRecord(): CommandRecord {
  return { dispatches: [], copies: [], slot: undefined, passSlot: [], passDispatches: [] };
}
