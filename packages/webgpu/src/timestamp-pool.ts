import { BufferUsage, MAP_MODE_READ } from './buffer-usage.js';

/** Timed passes per command buffer; further passes in the same encoder run untimed. */
const PASSES_PER_SLOT = 8;
/** Command buffers in flight with timestamps; beyond this, dispatches report no gpuDuration. */
const MAX_SLOTS = 64;

/**
 * A query set and its resolve/readback buffers for the compute passes of one command buffer.
 * Waiting on the readback's mapAsync also waits for the work: one wait gives both the end of
 * the work and the timestamps.
 */
export class TimestampSlot {
  passes = 0;

  constructor(
    readonly querySet: GPUQuerySet,
    readonly resolve: GPUBuffer,
    readonly readback: GPUBuffer,
    private readonly pool: TimestampPool,
  ) {}

  /** The query index pair for the next pass, or undefined when the slot is full. */
  nextPass(): GPUComputePassTimestampWrites | undefined {
    if (this.passes === PASSES_PER_SLOT) return undefined;
    const i = 2 * this.passes++;
    return { querySet: this.querySet, beginningOfPassWriteIndex: i, endOfPassWriteIndex: i + 1 };
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

  /** Waits for the work and returns each pass's GPU duration in ns; the slot goes back to the pool. */
  async read(): Promise<number[]> {
    const passes = this.passes;
    try {
      await this.readback.mapAsync(MAP_MODE_READ, 0, 16 * passes);
      const ticks = new BigUint64Array(this.readback.getMappedRange(0, 16 * passes));
      const out: number[] = new Array(passes);
      for (let p = 0; p < passes; p++) out[p] = Math.max(0, Number(ticks[2 * p + 1] - ticks[2 * p]));
      this.readback.unmap();
      this.pool.release(this);
      return out;
    } catch (error) {
      this.pool.discard(this);
      throw error;
    }
  }
}

export class TimestampPool {
  readonly #free: TimestampSlot[] = [];
  readonly #all = new Set<TimestampSlot>();

  constructor(
    private readonly device: GPUDevice,
    private readonly createBuffer: GPUDevice['createBuffer'],
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
