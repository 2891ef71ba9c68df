import type { Telemetry } from '@rx-telemetry/core';
import { DeviceEvents } from './device-events.js';
import { deviceInfo, type DeviceInfo } from './device-info.js';
import { DeviceProbe } from './device-probe.js';
import type { InstrumentedDevice } from './instrumented-device.js';
import { Overrides } from './overrides.js';
import { patchCompile } from './patch-compile.js';
import { trackEncoder } from './patch-encoder.js';
import { patchErrors } from './patch-errors.js';
import { patchMemory } from './patch-memory.js';
import { patchQueue } from './patch-queue.js';
import { stopDevice } from './stop-device.js';
import { timedDispatch, type Work } from './timed-dispatch.js';

export interface InstrumentOptions {
  /** The `device` metadata of every event; default `gpu0`, `gpu1`, … in instrumenting order. */
  readonly deviceId?: string;
  /** Timestamp queries per compute pass (`gpuDuration`); default: on when the device has 'timestamp-query'. */
  readonly timestamps?: boolean;
}

const instrumented = new WeakSet<GPUDevice>();
let deviceSeq = 0;

/**
 * Instruments an existing device in place: its methods (and its queue's) are wrapped on the
 * instance, so code holding the device keeps working and now emits events on `telemetry`.
 * `stop()` (or `telemetry.shutdown()`) gives the device its own methods back; it stays yours.
 *
 * ```ts
 * const device = await adapter.requestDevice({ requiredFeatures: ['timestamp-query'] });
 * const gpu = instrument(telemetry, device, { deviceId: 'main' });
 * telemetry.attach('log', ['compute', 'kernel', 'dispatch', 'stop'], (_e, m, md) => console.log(md.kernel, m.duration));
 * ```
 */
export function instrument(telemetry: Telemetry, device: GPUDevice, options: InstrumentOptions = {}): InstrumentedDevice {
  return instrumentDevice(telemetry, device, options, undefined, false);
}

/**
 * instrument() with adapter facts a plain device may not expose; `owned`: the device was
 * created for the caller (requestInstrumentedDevice), so stop() destroys it.
 */
export function instrumentDevice(
  telemetry: Telemetry,
  device: GPUDevice,
  options: InstrumentOptions,
  info: DeviceInfo | undefined,
  owned: boolean,
): InstrumentedDevice {
  if (telemetry === null || typeof telemetry !== 'object' || typeof telemetry.event !== 'function') {
    throw new TypeError('instrument: telemetry must be a Telemetry instance');
  }
  if (device === null || typeof device !== 'object' || typeof device.createCommandEncoder !== 'function' || device.queue === undefined) {
    throw new TypeError('instrument: device must be a GPUDevice');
  }
  if (instrumented.has(device)) throw new Error('instrument: this GPUDevice is already instrumented');
  const { deviceId = `gpu${deviceSeq++}`, timestamps } = options;
  if (typeof deviceId !== 'string' || deviceId.length === 0) throw new TypeError('instrument: deviceId must be a non-empty string');
  const hasTimestamps = device.features.has('timestamp-query');
  if (timestamps === true && !hasTimestamps) {
    throw new Error("instrument: timestamps requested but the device lacks 'timestamp-query' (request it in requiredFeatures)");
  }
  const queue = device.queue;
  const probe = new DeviceProbe(
    device,
    deviceId,
    new DeviceEvents(telemetry),
    {
      createBuffer: device.createBuffer,
      createCommandEncoder: device.createCommandEncoder,
      createComputePipeline: device.createComputePipeline,
      createComputePipelineAsync: device.createComputePipelineAsync,
      popErrorScope: device.popErrorScope,
      destroy: device.destroy,
      submit: queue.submit,
      writeBuffer: queue.writeBuffer,
      onSubmittedWorkDone: queue.onSubmittedWorkDone,
    },
    timestamps ?? hasTimestamps,
  );
  instrumented.add(device);
  const overrides = new Overrides();
  patchMemory(device, probe, overrides);
  patchCompile(device, probe, overrides);
  patchQueue(queue, probe, overrides);
  const removeErrorListener = patchErrors(device, probe, overrides);
  const { raw, events } = probe;
  overrides.set(device, 'createCommandEncoder', function (descriptor?: GPUCommandEncoderDescriptor): GPUCommandEncoder {
    const encoder = raw.createCommandEncoder.call(device, descriptor);
    if (events.dispatch.active || events.transfer.active) trackEncoder(encoder, probe);
    return encoder;
  });
  overrides.set(device, 'destroy', function (): undefined {
    probe.memory.releaseAll('device_destroyed');
    raw.destroy.call(device);
    probe.pool.destroy();
    return undefined;
  });
  void device.lost.then((lost) => {
    probe.memory.releaseAll('device_lost');
    removeErrorListener();
    const handle = events.lost;
    if (handle.active) handle.emit({}, { device: deviceId, reason: lost.reason, message: lost.message });
  });
  const stop = telemetry.manage(`webgpu:${deviceId}`, () =>
    stopDevice(probe, owned, () => {
      overrides.restore();
      removeErrorListener();
      instrumented.delete(device);
    }),
  );
  return {
    device,
    id: deviceId,
    info: info ?? deviceInfo((device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo),
    timestamps: probe.timestamps,
    memory: () => probe.memory.stats(),
    timedDispatch: (pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, workgroups: readonly [number, number, number], work?: Work) =>
      timedDispatch(probe, pipeline, bindGroup, workgroups, work),
    destroy: () => device.destroy(),
    stop,
  };
}
