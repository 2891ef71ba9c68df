import { usageName } from './buffer-usage.js';
import type { DeviceEvents } from './device-events.js';

/** What `InstrumentedDevice.memory()` reports: buffers the user created and has not freed. */
export interface MemoryStats {
  readonly liveBytes: number;
  readonly peakBytes: number;
  readonly buffers: number;
}

interface Allocation {
  readonly bytes: number;
  readonly usage: string;
  readonly label: string;
  live: boolean;
}

/**
 * Buffer accounting. A buffer is freed by its `destroy()`, by the device's `destroy()` or loss,
 * or, if the user just dropped it, when GC collects it: no path leaves bytes counted forever.
 */
export class MemoryTracker {
  #live = 0;
  #peak = 0;
  readonly #allocations = new Set<Allocation>();
  readonly #collected = new FinalizationRegistry<Allocation>((a) => this.release(a, 'collected'));

  constructor(
    private readonly deviceId: string,
    private readonly events: DeviceEvents,
  ) {}

  track(buffer: GPUBuffer): Allocation {
    const a: Allocation = { bytes: buffer.size, usage: usageName(buffer.usage), label: buffer.label, live: true };
    this.#allocations.add(a);
    this.#live += a.bytes;
    if (this.#live > this.#peak) this.#peak = this.#live;
    this.#collected.register(buffer, a, a);
    const allocate = this.events.allocate;
    if (allocate.active) allocate.emit({ bytes: a.bytes }, { device: this.deviceId, usage: a.usage, label: a.label });
    return a;
  }

  release(a: Allocation, reason: 'destroy' | 'device_destroyed' | 'device_lost' | 'collected'): void {
    if (!a.live) return;
    a.live = false;
    this.#allocations.delete(a);
    this.#collected.unregister(a);
    this.#live -= a.bytes;
    const free = this.events.free;
    if (free.active) free.emit({ bytes: a.bytes }, { device: this.deviceId, usage: a.usage, label: a.label, reason });
  }

  releaseAll(reason: 'device_destroyed' | 'device_lost'): void {
    for (const a of [...this.#allocations]) this.release(a, reason);
  }

  stats(): MemoryStats {
    return { liveBytes: this.#live, peakBytes: this.#peak, buffers: this.#allocations.size };
  }
}
