import { BufferUsage, MAP_MODE_READ } from './buffer-usage.js';

/** Timed passes per command buffer; further passes in the same encoder run untimed. */
const PASSES_PER_SLOT = 8;
/** Command buffers in flight with timestamps; beyond this, dispatches report no gpuDuration. */
const MAX_SLOTS = 64;

/** Who learns a slot's pass times when a record's readback is done (the device's probe). */
export interface SlotReader {
  /** `passTimes` is the slot's own array, valid only during the call. */
  slotRead(owner: object, passTimes: readonly number[]): void;
  slotFailed(owner: object, error: unknown): void;
}

/**
 * A query set and its resolve/readback buffers for the compute passes of one command buffer.
 * Waiting on the readback's mapAsync also waits for the work: one wait gives both the end of
 * the work and the timestamps. Everything a dispatch needs is made once per slot and reused
 * (pass descriptors, the readback callbacks, the pass-times array): a timed dispatch allocates
 * no closure, promise chain or array of its own.
 */
export class TimestampSlot {
  passes = 0;
  readonly #writes: GPUComputePassTimestampWrites[] = [];
  readonly #descriptors: GPUComputePassDescriptor[] = [];
  readonly #times: number[] = new Array<number>(PASSES_PER_SLOT).fill(0);
  #owner: object | undefined = undefined;
  readonly #onMapped = (): void => {
    const owner = this.#owner!;
    this.#owner = undefined;
    let times: number[];
    try {
      times = this.#readTimes();
    } catch (error) {
      // No rejection may escape: this runs as a bare reaction nobody else handles.
      this.#onFailedFor(owner, error);
      return;
    }
    this.pool.release(this);
    this.pool.reader.slotRead(owner, times);
  };
  readonly #onFailed = (error: unknown): void => {
    const owner = this.#owner!;
    this.#owner = undefined;
    this.#onFailedFor(owner, error);
  };

  #onFailedFor(owner: object, error: unknown): void {
    this.pool.discard(this);
    this.pool.reader.slotFailed(owner, error);
  }

  constructor(
    readonly querySet: GPUQuerySet,
    readonly resolve: GPUBuffer,
    readonly readback: GPUBuffer,
    private readonly pool: TimestampPool,
  ) {
    for (let p = 0; p < PASSES_PER_SLOT; p++) {
      const writes = { querySet, beginningOfPassWriteIndex: 2 * p, endOfPassWriteIndex: 2 * p + 1 };
      this.#writes.push(writes);
      this.#descriptors.push({ timestampWrites: writes });
    }
  }

  /** `descriptor` with the next pass's timestamp writes (a cached one when there is none), or undefined when the slot is full. */
  nextPassDescriptor(descriptor: GPUComputePassDescriptor | undefined): GPUComputePassDescriptor | undefined {
    if (this.passes === PASSES_PER_SLOT) return undefined;
    const p = this.passes++;
    return descriptor === undefined ? this.#descriptors[p] : { ...descriptor, timestampWrites: this.#writes[p] };
  }

  /** Gives an unused slot back. */
  release(): void {
    this.pool.release(this);
  }

  /** Records the resolve and copy; call on the encoder just before `finish()`. */
  encodeResolve(encoder: GPUCommandEncoder, copy: GPUCommandEncoder['copyBufferToBuffer']): void {
    encoder.resolveQuerySet(this.querySet, 0, 2 * this.passes, this.resolve, 0);
    copy.call(encoder, this.resolve, 0, this.readback, 0, 16 * this.passes);
  }

  /**
   * Reads the pass times once the work is done and hands them to the pool's reader with `owner`;
   * the slot goes back to the pool first.
   */
  readFor(owner: object): void {
    this.#owner = owner;
    this.readback.mapAsync(MAP_MODE_READ, 0, 16 * this.passes).then(this.#onMapped, this.#onFailed);
  }

  /** Waits for the work and returns each pass's GPU duration in ns; the slot goes back to the pool. */
  async read(): Promise<number[]> {
    try {
      await this.readback.mapAsync(MAP_MODE_READ, 0, 16 * this.passes);
    } catch (error) {
      this.pool.discard(this);
      throw error;
    }
    let times: number[];
    try {
      times = this.#readTimes().slice(0, this.passes);
    } catch (error) {
      this.pool.discard(this);
      throw error;
    }
    this.pool.release(this);
    return times;
  }

  /** The mapped pass times into the slot's own array; unmaps. */
  #readTimes(): number[] {
    const passes = this.passes;
    const ticks = new BigUint64Array(this.readback.getMappedRange(0, 16 * passes));
    const out = this.#times;
    for (let p = 0; p < passes; p++) out[p] = Math.max(0, Number(ticks[2 * p + 1] - ticks[2 * p]));
    this.readback.unmap();
    return out;
  }
}

export class TimestampPool {
  readonly #free: TimestampSlot[] = [];
  readonly #all = new Set<TimestampSlot>();

  constructor(
    private readonly device: GPUDevice,
    private readonly createBuffer: GPUDevice['createBuffer'],
    readonly reader: SlotReader,
  ) {}

  acquire(): TimestampSlot | undefined {
    const slot = this.#free.pop();
    if (slot !== undefined) return slot;
    if (this.#all.size >= MAX_SLOTS) return undefined;
    const bytes = 16 * PASSES_PER_SLOT;
    // Created with the unpatched createBuffer: the user's memory() should not count them.
    const made = new TimestampSlot(
      this.device.createQuerySet({ type: 'timestamp', count: 2 * PASSES_PER_SLOT, label: 'rx-telemetry timestamps' }),
      this.createBuffer.call(this.device, { size: bytes, usage: BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC }),
      this.createBuffer.call(this.device, { size: bytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST }),
      this,
    );
    this.#all.add(made);
    return made;
  }

  release(slot: TimestampSlot): void {
    slot.passes = 0;
    this.#free.push(slot);
  }

  /** A slot whose readback failed (device lost) is not reused. */
  discard(slot: TimestampSlot): void {
    this.#all.delete(slot);
  }

  destroy(): void {
    for (const s of this.#all) {
      s.querySet.destroy();
      s.resolve.destroy();
      s.readback.destroy();
    }
    this.#all.clear();
    this.#free.length = 0;
  }
}
