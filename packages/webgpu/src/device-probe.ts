import { performance } from 'node:perf_hooks';
import { categorize } from './category.js';
import type { CommandRecord, DispatchInfo } from './command-record.js';
import type { DeviceEvents } from './device-events.js';
import { MemoryTracker } from './memory-tracker.js';
import { commandState, pipelineName, setCommandState, setPipelineName } from './object-state.js';
import { rawCopy } from './patch-encoder.js';
import { openDispatch, stopDispatch } from './dispatch-span.js';
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
  /** Submitted, waiting for a completion promise to ride on. */
  #inflight: CommandRecord[] = [];
  /** Batches riding on completion promises, oldest first (Dawn resolves them in order). */
  readonly #watched: CommandRecord[][] = [];
  #waitQueued = false;
  readonly #ensureWait = (): void => {
    this.#waitQueued = false;
    if (this.#inflight.length !== 0) this.watch(this.raw.onSubmittedWorkDone.call(this.queue));
  };
  readonly #onDone = (): void => this.#finish(this.#watched.shift()!, performance.now());
  readonly #onFail = (error: unknown): void => {
    for (const rec of this.#watched.shift()!) this.#failAll(rec, error);
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
    const first = this.#inflight.length;
    for (let i = 0; i < list.length; i++) {
      const rec = commandState<CommandRecord>(list[i]);
      if (rec === undefined) continue;
      setCommandState(list[i], undefined);
      this.pending--;
      this.#inflight.push(rec);
    }
    const queue = this.queue;
    if (this.#inflight.length === first) return this.raw.submit.call(queue, list);
    const t0 = performance.now();
    for (let i = first; i < this.#inflight.length; i++) this.#open(this.#inflight[i], t0);
    try {
      this.raw.submit.call(queue, list);
    } catch (error) {
      for (const rec of this.#inflight.splice(first)) this.#failAll(rec, error);
      throw error;
    }
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
    if (this.#inflight.length === 0) return;
    this.#watched.push(this.#inflight);
    this.#inflight = [];
    done.then(this.#onDone, this.#onFail);
  }

  #finish(batch: CommandRecord[], t1: number): void {
    for (const rec of batch) {
      const slot = rec.slot;
      if (slot === undefined) this.#stop(rec, t1, undefined);
      else {
        slot.read().then(
          (passTimes) => this.#stop(rec, t1, passTimes),
          (error: unknown) => this.#failAll(rec, error),
        );
      }
    }
  }

  #stop(rec: CommandRecord, t1: number, passTimes: number[] | undefined): void {
    const duration = ns(t1 - rec.t0);
    const dispatches = rec.dispatches;
    if (dispatches !== undefined && this.events.dispatch.stop.active) {
      const monotonicTime = ns(t1);
      const category = categorize(duration);
      for (let i = 0; i < dispatches.length; i++) {
        const d = dispatches[i];
        if (d.token !== undefined) stopDispatch(this.events.dispatch, d.token, duration, gpuTime(d, passTimes), monotonicTime, category);
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
    const token = events.active ? openDispatch(events, this.kernelName(pipeline), this.deviceId, workgroups, t0) : undefined;
    let gpu: number | undefined;
    try {
      this.raw.submit.call(this.queue, [cb]);
      if (slot !== undefined) gpu = (await slot.read())[0];
      else await this.raw.onSubmittedWorkDone.call(this.queue);
    } catch (error) {
      if (token !== undefined) events.fail(token, error);
      throw error;
    }
    const t1 = performance.now();
    const result = timing(ns(t1 - t0), gpu, work);
    if (token !== undefined && events.stop.active) {
      events.stop.emit({ ...result, monotonicTime: ns(t1) }, { ...token.metadata, category: categorize(result.duration) });
    }
    return result;
  }

  #open(rec: CommandRecord, t0: number): void {
    rec.t0 = t0;
    const dispatch = this.events.dispatch;
    if (rec.dispatches !== undefined && dispatch.active) {
      for (const d of rec.dispatches) d.token = openDispatch(dispatch, d.kernel, this.deviceId, d.workgroups, t0);
    }
    const transfer = this.events.transfer;
    if (rec.copies !== undefined && transfer.active) {
      rec.copyTokens = rec.copies.map(() => transfer.begin({ device: this.deviceId, direction: 'device_to_device' }, t0));
    }
  }

  #failAll(rec: CommandRecord, error: unknown): void {
    if (rec.dispatches !== undefined) for (const d of rec.dispatches) if (d.token !== undefined) this.events.dispatch.fail(d.token, error);
    if (rec.copyTokens !== undefined) rec.copyTokens.forEach((t, i) => this.events.transfer.fail(t, error, undefined, { bytes: rec.copies![i] }));
  }
}

function gpuTime(d: DispatchInfo, passTimes: number[] | undefined): number | undefined {
  if (passTimes === undefined || d.pass.dispatches !== 1 || d.pass.timed < 0) return undefined;
  return passTimes[d.pass.timed];
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
