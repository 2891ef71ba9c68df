import { performance } from 'node:perf_hooks';
import { msToNs } from '@rx-telemetry/core';
import { gpuTime, type CommandRecord } from './command-record.js';
import type { DeviceEvents } from './device-events.js';
import { MemoryTracker } from './memory-tracker.js';
import { commandState, pipelineName, setCommandState, setPipelineName } from './object-state.js';
import { StartMetadata, failDispatch, gpuMeasurements, openDispatch, stopDispatch, stopSpan } from './dispatch-span.js';
import { TimestampPool } from './timestamp-pool.js';

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
  /** A record whose spans have ended, for the next encoder (command-record.ts, takeRecord). */
  spare: CommandRecord | undefined = undefined;
  /** Submitted, waiting for a completion promise to ride on: a chain through `next`. */
  #inflightHead: CommandRecord | undefined = undefined;
  #inflightTail: CommandRecord | undefined = undefined;
  /** Batches (chain heads) riding on completion promises, oldest first (Dawn resolves them in order): a growable ring, not an Array#shift. */
  #watched: (CommandRecord | undefined)[] = new Array<CommandRecord | undefined>(8).fill(undefined);
  #watchedHead = 0;
  #watchedCount = 0;
  /** Timed records whose work is done, each stamped with its t1: #tick starts their timestamp reads. */
  readonly #completed: CommandRecord[] = [];
  #tickQueued = false;
  /**
   * A turn after a completion (or a submit nobody waited on, #check): starts the timestamp reads
   * of completed timed work and makes sure submitted work rides on some completion promise. Not
   * in the completion reaction, which runs before the caller's continuation: a mapAsync there cost
   * an awaiting caller 2.1-3.0 µs more per timed dispatch (lavapipe, paired). Untimed stops stay
   * in the reaction: deferring them measured 0.1-0.5 µs slower per dispatch.
   */
  readonly #tick = (): void => {
    this.#tickQueued = false;
    this.#readCompleted();
    if (this.#inflightHead !== undefined) this.watch(this.raw.onSubmittedWorkDone.call(this.queue));
  };
  readonly #onDone = (): void => {
    const t1 = performance.now();
    // `next` is read before the record is stopped: a stopped record becomes the spare.
    for (let rec: CommandRecord | undefined = this.#takeWatched(), next: CommandRecord | undefined; rec !== undefined; rec = next) {
      next = rec.next;
      rec.t1 = t1;
      if (rec.slot === undefined) this.#stop(rec, t1, undefined);
      else {
        this.#busy++;
        this.#completed.push(rec);
        this.#queueTick();
      }
    }
  };
  readonly #onFail = (error: unknown): void => {
    for (let rec: CommandRecord | undefined = this.#takeWatched(); rec !== undefined; rec = rec.next) this.#failAll(rec, error);
  };
  readonly #startMetadata: StartMetadata;
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
    this.#startMetadata = new StartMetadata(deviceId);
    this.memory = new MemoryTracker(deviceId, events);
    this.pool = new TimestampPool(device, raw.createBuffer, this);
  }

  /** Work begun and not yet settled (timed dispatches, timestamp reads, compiles, reads): settle() waits for it. */
  #busy = 0;
  #whenIdle: (() => void) | undefined = undefined;

  hold(): void {
    this.#busy++;
  }

  release(): void {
    if (--this.#busy === 0 && this.#whenIdle !== undefined) {
      const resolve = this.#whenIdle;
      this.#whenIdle = undefined;
      resolve();
    }
  }

  /**
   * Resolves once the work submitted so far is done and every span it opened has ended (their
   * stop or exception events emitted). Never rejects: a lost device ends its spans with exceptions.
   */
  async settle(): Promise<void> {
    try {
      const done = this.raw.onSubmittedWorkDone.call(this.queue);
      // Records still waiting for a completion promise ride on this one.
      this.watch(done);
      await done;
    } catch {
      // The device is lost or destroyed: the records riding on the wait ended through #onFail.
    }
    // Timed work whose reads wait for the next turn: started now (#busy waits for them).
    this.#readCompleted();
    while (this.#busy !== 0) await new Promise<void>((resolve) => (this.#whenIdle = resolve));
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
    this.#queueCheck();
    return undefined;
  }

  /**
   * After a submit, once the caller's synchronous code has run (a reaction on a settled promise;
   * Node's queueMicrotask allocates an AsyncResource): records no onSubmittedWorkDone() took get
   * the fallback wait a turn later. Not a setImmediate per submit: that ran ahead of Dawn's own
   * setImmediate poll, 0.2-0.68 µs per awaited dispatch on lavapipe (docs/webgpu.md, Cost).
   */
  #queueCheck(): void {
    if (this.#checkQueued || this.#tickQueued) return;
    this.#checkQueued = true;
    void settled.then(this.#check);
  }

  #checkQueued = false;
  readonly #check = (): void => {
    this.#checkQueued = false;
    if (this.#inflightHead !== undefined) this.#queueTick();
  };

  #queueTick(): void {
    if (this.#tickQueued) return;
    this.#tickQueued = true;
    setImmediate(this.#tick);
  }

  /** Starts the timestamp reads of completed timed records (their stops follow the reads). */
  #readCompleted(): void {
    const completed = this.#completed;
    // readFor only starts a mapAsync: nothing is pushed to the list while it is walked.
    for (let i = 0; i < completed.length; i++) completed[i].slot!.readFor(completed[i]);
    completed.length = 0;
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

  /** A record's timestamps are read (SlotReader): its stops carry gpuDuration. */
  slotRead(owner: object, passTimes: readonly number[]): void {
    const rec = owner as CommandRecord;
    this.#stop(rec, rec.t1, passTimes);
    this.release();
  }

  slotFailed(owner: object, error: unknown): void {
    this.#failAll(owner as CommandRecord, error);
    this.release();
  }

  #stop(rec: CommandRecord, t1: number, passTimes: readonly number[] | undefined): void {
    const span0 = rec.span0;
    const copySpans = rec.copySpans;
    if (span0 === undefined && copySpans === undefined) {
      this.spare = rec;
      return;
    }
    const duration = msToNs(t1 - rec.t0);
    if (span0 !== undefined) {
      rec.span0 = undefined;
      stopSpan(span0, duration, gpuMeasurements(gpuTime(rec, rec.timed0, rec.pass0, passTimes)), t1);
      const more = rec.more;
      if (more !== undefined) {
        for (let i = 0; i < more.length; i++) stopDispatch(more[i], duration, gpuMeasurements(gpuTime(rec, more[i].timed, more[i].pass, passTimes)), t1);
      }
    }
    if (copySpans !== undefined) {
      const copies = rec.copies!;
      for (let i = 0; i < copySpans.length; i++) copySpans[i].stop({ bytes: copies[i] }, undefined, t1);
    }
    this.spare = rec;
  }

  #open(rec: CommandRecord, t0: number): void {
    rec.t0 = t0;
    const dispatch = this.events.dispatch;
    if (rec.count !== 0 && dispatch.active) {
      rec.span0 = dispatch.start(this.#startMetadata.of(rec.kernel0, rec.x0, rec.y0, rec.z0, rec.indirect0), t0);
      const more = rec.more;
      if (more !== undefined) for (let i = 0; i < more.length; i++) openDispatch(dispatch, more[i], this.deviceId, t0);
    }
    const transfer = this.events.transfer;
    if (rec.copies !== undefined && transfer.active) {
      rec.copySpans = rec.copies.map(() => transfer.start({ device: this.deviceId, direction: 'device_to_device' }, t0));
    }
  }

  #failAll(rec: CommandRecord, error: unknown): void {
    const span0 = rec.span0;
    if (span0 !== undefined) {
      rec.span0 = undefined;
      span0.exception(error);
    }
    if (rec.more !== undefined) for (const d of rec.more) failDispatch(d, error);
    const copySpans = rec.copySpans;
    if (copySpans !== undefined) {
      for (let i = 0; i < copySpans.length; i++) {
        copySpans[i].measure({ bytes: rec.copies![i] });
        copySpans[i].exception(error);
      }
    }
  }
}

const settled = Promise.resolve();
