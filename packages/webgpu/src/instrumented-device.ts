import type { DeviceInfo } from './device-info.js';
import type { MemoryStats } from './memory-tracker.js';
import type { RunResult, Work } from './timed-dispatch.js';

/**
 * A GPUDevice that emits rx-telemetry events. `device` is the same object that was
 * instrumented: ordinary WebGPU code runs on it unchanged.
 *
 * ```ts
 * const gpu: InstrumentedDevice = await requestInstrumentedDevice(telemetry, { deviceId: 'gpu0' });
 * const buffer = gpu.device.createBuffer({ size: 1024, usage: 0x80 });
 * gpu.memory(); // { liveBytes: 1024, peakBytes: 1024, buffers: 1 }
 * await gpu.stop();
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
  /**
   * Dispatches `pipeline` once, `bindGroup` at group 0, in a compute pass of its own, and resolves
   * when the work is done with its timing (`gpuDuration` when `timestamps`), whether or not anyone
   * listens; the dispatch's stop event carries the same numbers. `work` adds rates to both.
   */
  timedDispatch(pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, workgroups: readonly [number, number, number], work?: Work): Promise<RunResult>;
  /** Destroys the device now: every live buffer is reported freed, then the lost event follows. */
  destroy(): void;
  /**
   * Stops instrumenting; idempotent, and run by `telemetry.shutdown()`. Work already submitted
   * completes and its spans end first. A device that `requestInstrumentedDevice` created is then
   * destroyed (its buffers reported freed, then the lost event); a device given to `instrument`
   * gets its own methods back and stays usable. Nothing is emitted after it resolves.
   */
  stop(): Promise<void>;
}
