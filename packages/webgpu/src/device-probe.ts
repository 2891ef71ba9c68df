import { performance } from 'node:perf_hooks';
import { categorize } from './category.js';
import type { CommandRecord, DispatchInfo } from './command-record.js';
import type { DeviceEvents } from './device-events.js';
import { MemoryTracker } from './memory-tracker.js';
import { commandState, pipelineName, setCommandState, setPipelineName } from './object-state.js';
import { rawCopy } from './patch-encoder.js';
import { ns, type SpanToken } from './span-events.js';
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

/** A submitted command buffer whose spans are open until its work is done. */
interface InFlight {
  readonly rec: CommandRecord;
  readonly opened: Opened;
  readonly t0: number;
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
  #inflight: InFlight[] = [];
  #waitQueued = false;
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
    let recs: CommandRecord[] | undefined;
    for (const cb of list) {
      const rec = commandState<CommandRecord>(cb);
      if (rec === undefined) continue;
      setCommandState(cb, undefined);
      this.pending--;
      (recs ??= []).push(rec);
    }
    const queue = this.queue;
    if (recs === undefined) return this.raw.submit.call(queue, list);
    const t0 = performance.now();
    const opened = recs.map((rec) => this.#open(rec, t0));
    try {
      this.raw.submit.call(queue, list);
    } catch (error) {
      for (const o of opened) this.#failAll(o, error);
      throw error;
    }
    for (let i = 0; i < recs.length; i++) this.#inflight.push({ rec: recs[i], opened: opened[i], t0 });
    if (!this.#waitQueued) {
      this.#waitQueued = true;
      queueMicrotask(() => this.#ensureWait());
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
    const batch = this.#inflight;
    this.#inflight = [];
    done.then(
      () => this.#finish(batch, performance.now()),
      (error: unknown) => {
        for (const f of batch) this.#failAll(f.opened, error, f.rec);
      },
    );
  }

  #ensureWait(): void {
    this.#waitQueued = false;
    if (this.#inflight.length !== 0) this.watch(this.raw.onSubmittedWorkDone.call(this.queue));
  }

  #finish(batch: InFlight[], t1: number): void {
    for (const f of batch) {
      const slot = f.rec.slot;
      if (slot === undefined) this.#stop(f, t1, undefined);
      else {
        slot.read().then(
          (passTimes) => this.#stop(f, t1, passTimes),
          (error: unknown) => this.#failAll(f.opened, error, f.rec),
        );
      }
    }
  }

  #stop({ rec, opened, t0 }: InFlight, t1: number, passTimes: number[] | undefined): void {
    const duration = ns(t1 - t0);
    if (opened.dispatches !== undefined) {
      const category = categorize(duration);
      for (let i = 0; i < rec.dispatches.length; i++) {
        const gpu = gpuTime(rec, rec.dispatches[i], passTimes);
        this.events.dispatch.end(opened.dispatches[i], gpu === undefined ? { duration } : { duration, gpuDuration: gpu }, { category }, t1);
      }
    }
    if (opened.copies !== undefined) {
      for (let i = 0; i < rec.copies.length; i++) this.events.transfer.end(opened.copies[i], { bytes: rec.copies[i], duration }, undefined, t1);
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
    const token = events.active ? events.begin({ kernel: this.kernelName(pipeline), device: this.deviceId, workgroups }, t0) : undefined;
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
    if (token !== undefined) events.end(token, { ...result }, { category: categorize(result.duration) }, t1);
    return result;
  }

  #open(rec: CommandRecord, t0: number): Opened {
    const dispatch = this.events.dispatch;
    const transfer = this.events.transfer;
    const dispatches = dispatch.active
      ? rec.dispatches.map((d) => dispatch.begin({ kernel: d.kernel, device: this.deviceId, workgroups: d.workgroups }, t0))
      : undefined;
    const copies = transfer.active
      ? rec.copies.map(() => transfer.begin({ device: this.deviceId, direction: 'device_to_device' }, t0))
      : undefined;
    return { dispatches, copies };
  }

  #failAll(opened: Opened, error: unknown, rec?: CommandRecord): void {
    if (opened.dispatches !== undefined) for (const t of opened.dispatches) this.events.dispatch.fail(t, error);
    if (opened.copies !== undefined) {
      opened.copies.forEach((t, i) => this.events.transfer.fail(t, error, undefined, rec === undefined ? {} : { bytes: rec.copies[i] }));
    }
  }
}

interface Opened {
  readonly dispatches: SpanToken[] | undefined;
  readonly copies: SpanToken[] | undefined;
}

function gpuTime(rec: CommandRecord, d: DispatchInfo, passTimes: number[] | undefined): number | undefined {
  if (passTimes === undefined || rec.passDispatches[d.pass] !== 1) return undefined;
  const i = rec.passSlot[d.pass];
  return i < 0 ? undefined : passTimes[i];
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
