import type { Telemetry } from '@rx-telemetry/core';
import { deviceInfo } from './device-info.js';
import { requestAdapter } from './gpu-instance.js';
import { instrumentDevice } from './instrument.js';
import type { InstrumentedDevice } from './instrumented-device.js';

export interface DeviceOptions {
  readonly deviceId?: string;
  readonly powerPreference?: GPUPowerPreference;
  readonly requiredFeatures?: GPUFeatureName[];
  readonly requiredLimits?: Record<string, number>;
  /** Default: on when the adapter has 'timestamp-query'. */
  readonly timestamps?: boolean;
}

/**
 * Finds the best adapter (a GPU, else lavapipe, else Dawn's OpenGL ES backend; see
 * docs/webgpu.md), requests a device and instruments it. The device is the instrumentation's:
 * `stop()` (or `telemetry.shutdown()`) destroys it once its submitted work is done.
 *
 * ```ts
 * const gpu = await requestInstrumentedDevice(telemetry, { deviceId: 'gpu0' });
 * console.log(gpu.info.description, gpu.info.fallback); // 'llvmpipe: Mesa 25.0.7 …', true
 * await telemetry.shutdown(); // or gpu.stop()
 * ```
 * @throws NoAdapterError when no adapter exists at all.
 */
export async function requestInstrumentedDevice(telemetry: Telemetry, options: DeviceOptions = {}): Promise<InstrumentedDevice> {
  const { adapter } = await requestAdapter({ powerPreference: options.powerPreference });
  const hasTimestamps = adapter.features.has('timestamp-query');
  if (options.timestamps === true && !hasTimestamps) {
    throw new Error(`requestInstrumentedDevice: timestamps requested but the adapter (${adapter.info.description}) lacks 'timestamp-query'`);
  }
  const features = new Set<GPUFeatureName>(options.requiredFeatures ?? []);
  if (options.timestamps !== false && hasTimestamps) features.add('timestamp-query');
  const device = await adapter.requestDevice({ requiredFeatures: [...features], requiredLimits: computeLimits(adapter, options.requiredLimits) });
  const info = deviceInfo(adapter.info, (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter);
  try {
    return instrumentDevice(telemetry, device, { deviceId: options.deviceId, timestamps: options.timestamps ?? hasTimestamps }, info, true);
  } catch (error) {
    device.destroy();
    throw error;
  }
}

// Compatibility mode (the OpenGL ES fallback) defaults to 128 invocations per workgroup; the
// kernels use 256. Asking for what the adapter offers is always valid, and the caller's own
// requiredLimits win.
const COMPUTE_LIMITS = [
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
] as const;

function computeLimits(adapter: GPUAdapter, requested: Record<string, number> | undefined): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const name of COMPUTE_LIMITS) limits[name] = adapter.limits[name];
  return { ...limits, ...requested };
}
