import type { DeviceInfo } from './device-info.js';
import type { MemoryStats } from './memory-tracker.js';

/**
 * A GPUDevice that emits rx-telemetry events. `device` is the same object that was
 * instrumented: ordinary WebGPU code runs on it unchanged.
 *
 * ```ts
 * const gpu: InstrumentedDevice = await requestInstrumentedDevice(telemetry, { deviceId: 'gpu0' });
 * const buffer = gpu.device.createBuffer({ size: 1024, usage: 0x80 });
 * gpu.memory(); // { liveBytes: 1024, peakBytes: 1024, buffers: 1 }
 * gpu.destroy();
 * ```
 */
export interface InstrumentedDevice {
  readonly device: GPUDevice;
  /** The id in every event's `device` metadata. */
  readonly id: string;
  readonly info: DeviceInfo;
  /** Whether dispatches carry `gpuDuration` (timestamp queries). */
  readonly timestamps: boolean;
  /** Buffers created through `device` and not yet freed. */
  memory(): MemoryStats;
  /** Destroys the device: every live buffer is reported freed, then the lost event follows. */
  destroy(): void;
}
