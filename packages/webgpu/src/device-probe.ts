import { performance } from 'node:perf_hooks';
import type { Measurements } from '@rx-telemetry/core';
import { categorize } from './category.js';
import { dispatchInfo, firstDispatch, gpuTime, type CommandRecord, type DispatchInfo } from './command-record.js';
import type { DeviceEvents } from './device-events.js';
import { MemoryTracker } from './memory-tracker.js';
import { commandState, pipelineName, setCommandState, setPipelineName } from './object-state.js';
import { rawCopy } from './patch-encoder.js';
import { emitStop, failDispatch, openDispatch, stopDispatch } from './dispatch-span.js';
import { ns } from './span-events.js';
import { TimestampPool } from './timestamp-pool.js';

/** What the caller declares a dispatch does, so its stop event can carry rates. */
export interface Work {
  readonly ops?: number;
  readonly bytes?: number;
}

/** Timing of one dispatch, in nanoseconds and per second. */
export interface RunResult {
  /** CPU side, from submit to the work being done. */
  readonly duration: number;
  /** From timestamp queries, when the device has them. */
  readonly gpuDuration?: number;
  readonly opsPerSecond?: number;
  readonly bandwidthBytesPerSecond?: number;
}

/** The unpatched methods of the device and its queue, captured before instrumenting. */
export interface RawMethods {
  readonly createBuffer: GPUDevice['createBuffer'];
  readonly createCommandEncoder: GPUDevice['createCommandEncoder'];
  readonly createComputePipeline: GPUDevice['createComputePipeline'];
  readonly createComputePipelineAsync: GPUDevice['createComputePipelineAsync'];
  readonly popErrorScope: GPUDevice['popErrorScope'];
  readonly destroy: GPUDevice['destroy'];
  readonly submit: GPUQueue['submit'];
  readonly writeBuffer: GPUQueue['writeBuffer'];
  readonly onSubmittedWorkDone: GPUQueue['onSubmittedWorkDone'];
}

/**
 * The state behind one instrumented device: its events, memory accounting, timestamp pool and
 * the command buffers recorded but not yet submitted.
 */
export class DeviceProbe {
  readonly memory: MemoryTracker;
  readonly pool: TimestampPool;
  /** Recorded command buffers not yet submitted: while 0, submit() goes straight to Dawn. */
  pending = 0;
  /** Submitted, waiting for a completion promise to ride on: a chain through `next`. */
  #inflightHead: CommandRecord | undefined = undefined;
  #inflightTail: CommandRecord | undefined = undefined;
  /**
   * Batches (chain heads) riding on completion promises, oldest first (Dawn resolves them in
   * order): a growable ring, so taking the oldest is an index step, not an Array#shift.
   */
  #watched: (CommandRecord | undefined)[] = new Array<CommandRecord | undefined>(8).fill(undefined);
  #watchedHead = 0;
  #watchedCount = 0;
  #waitQueued = false;
  readonly #ensureWait = (): void => {
    this.#waitQueued = false;
    if (this.#inflightHead !== undefined) this.watch(this.raw.onSubmittedWorkDone.call(this.queue));
  };
  readonly #onDone = (): void => this.#finish(this.#takeWatched(), performance.now());
  readonly #onFail = (error: unknown): void => {
    for (let rec: CommandRecord | undefined = this.#takeWatched(); rec !== undefined; rec = rec.next) this.#failAll(rec, error);
  };
  /** device.queue is a native getter (~0.2 µs a read here): read once. */
  readonly queue: GPUQueue;

  constructor(
    readonly device: GPUDevice,
    readonly deviceId: string,
    readonly events: DeviceEvents,
    readonly raw: RawMethods,
    readonly timestamps: boolean,
  ) {
    this.queue = device.queue;
    this.memory = new MemoryTracker(deviceId, events.allocate, events.free);
    this.pool = new TimestampPool(device, raw.createBuffer);
  }

  kernelName(pipeline: GPUComputePipeline): string {
    return pipelineName(pipeline) ?? (pipeline.label || 'unknown');
  }

  nameKernel(pipeline: GPUComputePipeline, name: string): void {
    setPipelineName(pipeline, name);
  }

  /** queue.submit for command buffers that may carry records. */
  submit(commandBuffers: Iterable<GPUCommandBuffer>): undefined {
    const list = Array.isArray(commandBuffers) ? (commandBuffers as GPUCommandBuffer[]) : [...commandBuffers];
    let head: CommandRecord | undefined;
    let tail: CommandRecord | undefined;
    for (let i = 0; i < list.length; i++) {
      const rec = commandState<CommandRecord>(list[i]);
      if (rec === undefined) continue;
      setCommandState(list[i], undefined);
      this.pending--;
      if (tail === undefined) head = rec;
      else tail.next = rec;
      tail = rec;
    }
    const queue = this.queue;
    if (head === undefined) return this.raw.submit.call(queue, list);
    const t0 = performance.now();
    try {
      this.raw.submit.call(queue, list);
    } catch (error) {
      for (let rec: CommandRecord | undefined = head; rec !== undefined; rec = rec.next) {
        this.#open(rec, t0);
        this.#failAll(rec, error);
        rec.slot?.release();
      }
      throw error;
    }
    // The spans open after Dawn's submit: their start events are built while the GPU already
    // runs, not before it starts (t0 is still taken before the submit).
    for (let rec: CommandRecord | undefined = head; rec !== undefined; rec = rec.next) this.#open(rec, t0);
    if (this.#inflightTail === undefined) this.#inflightHead = head;
    else this.#inflightTail.next = head;
    this.#inflightTail = tail;
    if (!this.#waitQueued) {
      // The fallback wait is checked on the next turn of the event loop, not in a microtask: a
      // caller that awaits onSubmittedWorkDone() right after submit() has registered it by then,
      // and a microtask per submit delayed that caller's wake-up by ~1.5 µs here.
      this.#waitQueued = true;
      setImmediate(this.#ensureWait);
    }
    return undefined;
  }

  /**
   * Rides on a completion promise: the caller's own onSubmittedWorkDone() when it asks for one
   * right after submit(), else ours. A second Dawn wait beside the caller's costs ~2 µs to
   * request and delays the caller's wake-up; riding on the caller's costs one reaction.
   */
  watch(done: Promise<undefined>): void {
    const head = this.#inflightHead;
    if (head === undefined) return;
    this.#inflightHead = this.#inflightTail = undefined;
    this.#pushWatched(head);
    done.then(this.#onDone, this.#onFail);
  }

  #pushWatched(head: CommandRecord): void {
    let ring = this.#watched;
    if (this.#watchedCount === ring.length) {
      const grown = new Array<CommandRecord | undefined>(2 * ring.length).fill(undefined);
      for (let i = 0; i < this.#watchedCount; i++) grown[i] = ring[(this.#watchedHead + i) % ring.length];
      this.#watched = ring = grown;
      this.#watchedHead = 0;
    }
    ring[(this.#watchedHead + this.#watchedCount++) % ring.length] = head;
  }

  #takeWatched(): CommandRecord {
    const ring = this.#watched;
    const head = ring[this.#watchedHead]!;
    ring[this.#watchedHead] = undefined;
    this.#watchedHead = (this.#watchedHead + 1) % ring.length;
    this.#watchedCount--;
    return head;
  }

  #finish(head: CommandRecord, t1: number): void {
    for (let rec: CommandRecord | undefined = head; rec !== undefined; rec = rec.next) {
      const slot = rec.slot;
      if (slot === undefined) this.#stop(rec, t1, undefined);
      else {
        const r = rec;
        slot.read().then(
          (passTimes) => this.#stop(r, t1, passTimes),
          (error: unknown) => this.#failAll(r, error),
        );
      }
    }
  }

  #stop(rec: CommandRecord, t1: number, passTimes: number[] | undefined): void {
    const duration = ns(t1 - rec.t0);
    const first = rec.first;
    const dispatch = this.events.dispatch;
    if (first !== undefined && dispatch.stopWanted) {
      const monotonicTime = ns(t1);
      const category = categorize(duration);
      if (first.spanId !== 0) stopDispatch(dispatch, first, this.deviceId, duration, gpuTime(rec, first, passTimes), monotonicTime, category);
      const more = rec.more;
      if (more !== undefined) {
        for (let i = 0; i < more.length; i++) {
          const d = more[i];
          if (d.spanId !== 0) stopDispatch(dispatch, d, this.deviceId, duration, gpuTime(rec, d, passTimes), monotonicTime, category);
        }
      }
    }
    const copies = rec.copies;
    const copyTokens = rec.copyTokens;
    if (copies !== undefined && copyTokens !== undefined) {
      for (let i = 0; i < copies.length; i++) this.events.transfer.end(copyTokens[i], { bytes: copies[i], duration }, undefined, t1);
    }
  }

  /** The backend's dispatch: always timed (it returns the timing), events only when listened to. */
  async run(
    pipeline: GPUComputePipeline,
    bindGroup: GPUBindGroup,
    workgroups: readonly [number, number, number],
    work: Work | undefined,
  ): Promise<RunResult> {
    const device = this.device;
    const encoder = this.raw.createCommandEncoder.call(device);
    const slot = this.timestamps ? this.pool.acquire() : undefined;
    const writes = slot?.nextPass();
    const pass = encoder.beginComputePass(writes === undefined ? undefined : { timestampWrites: writes });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
    pass.end();
    if (slot !== undefined) slot.encodeResolve(encoder, rawCopy(encoder));
    const cb = encoder.finish();
    const events = this.events.dispatch;
    const t0 = performance.now();
    let d: DispatchInfo | undefined;
    try {
      this.raw.submit.call(this.queue, [cb]);
    } catch (error) {
      slot?.release();
      if (events.active) {
        d = backendDispatch(this.kernelName(pipeline), workgroups, slot !== undefined);
        openDispatch(events, d, this.deviceId, t0);
        failDispatch(events, d, this.deviceId, t0, error);
      }
      throw error;
    }
    if (events.active) {
      d = backendDispatch(this.kernelName(pipeline), workgroups, slot !== undefined);
      openDispatch(events, d, this.deviceId, t0);
    }
    let gpu: number | undefined;
    try {
      if (slot !== undefined) gpu = (await slot.read())[0];
      else await this.raw.onSubmittedWorkDone.call(this.queue);
    } catch (error) {
      if (d !== undefined) failDispatch(events, d, this.deviceId, t0, error);
      throw error;
    }
    const t1 = performance.now();
    const result = timing(ns(t1 - t0), gpu, work);
    if (d !== undefined && d.spanId !== 0 && events.stopWanted) emitStop(events, d, this.deviceId, stopMeasurements(result, ns(t1)), categorize(result.duration));
    return result;
  }

  #open(rec: CommandRecord, t0: number): void {
    rec.t0 = t0;
    const dispatch = this.events.dispatch;
    if (rec.count !== 0 && dispatch.active) {
      openDispatch(dispatch, firstDispatch(rec), this.deviceId, t0);
      const more = rec.more;
      if (more !== undefined) for (let i = 0; i < more.length; i++) openDispatch(dispatch, more[i], this.deviceId, t0);
    }
    const transfer = this.events.transfer;
    if (rec.copies !== undefined && transfer.active) {
      rec.copyTokens = rec.copies.map(() => transfer.begin({ device: this.deviceId, direction: 'device_to_device' }, t0));
    }
  }

  #failAll(rec: CommandRecord, error: unknown): void {
    const dispatch = this.events.dispatch;
    if (rec.first !== undefined && rec.first.spanId !== 0) failDispatch(dispatch, rec.first, this.deviceId, rec.t0, error);
    if (rec.more !== undefined) for (const d of rec.more) if (d.spanId !== 0) failDispatch(dispatch, d, this.deviceId, rec.t0, error);
    if (rec.copyTokens !== undefined) rec.copyTokens.forEach((t, i) => this.events.transfer.fail(t, error, undefined, { bytes: rec.copies![i] }));
  }
}

/** The backend's single dispatch in a single (timed or untimed) pass. */
function backendDispatch(kernel: string, workgroups: readonly [number, number, number], timed: boolean): DispatchInfo {
  return dispatchInfo(kernel, workgroups, timed ? 0 : -1, 0);
}

/** Rates use the GPU time when there is one: it excludes submit and wake-up latency. */
export function timing(duration: number, gpuDuration: number | undefined, work: Work | undefined): RunResult {
  const seconds = (gpuDuration ?? duration) / 1e9;
  const out: { duration: number; gpuDuration?: number; opsPerSecond?: number; bandwidthBytesPerSecond?: number } = { duration };
  if (gpuDuration !== undefined) out.gpuDuration = gpuDuration;
  if (work?.ops !== undefined && seconds > 0) out.opsPerSecond = work.ops / seconds;
  if (work?.bytes !== undefined && seconds > 0) out.bandwidthBytesPerSecond = work.bytes / seconds;
  return out;
}

/** The backend's stop measurements: the result plus `monotonicTime`, built field by field (an object spread on this path cost µs). */
function stopMeasurements(result: RunResult, monotonicTime: number): Measurements {
  const out: Record<string, number> = { duration: result.duration, monotonicTime };
  if (result.gpuDuration !== undefined) out.gpuDuration = result.gpuDuration;
  if (result.opsPerSecond !== undefined) out.opsPerSecond = result.opsPerSecond;
  if (result.bandwidthBytesPerSecond !== undefined) out.bandwidthBytesPerSecond = result.bandwidthBytesPerSecond;
  return out;
}
