/// <reference types="@webgpu/types" preserve="true" />
export { requestInstrumentedDevice, type DeviceOptions } from './request-instrumented-device.js';
export { instrument, type InstrumentOptions } from './instrument.js';
export type { InstrumentedDevice } from './instrumented-device.js';
export type { RunResult, Work } from './timed-dispatch.js';
export type { DeviceInfo } from './device-info.js';
export type { MemoryStats } from './memory-tracker.js';
export { requestAdapter, type AdapterOptions, type BackendKind, type FoundAdapter } from './gpu-instance.js';
export { NoAdapterError } from './no-adapter-error.js';
export { ShaderCompilationError, type CompilationMessage } from './shader-compilation-error.js';
export { categorize, type DurationCategory } from './category.js';
export type { DeviceErrorType } from './patch-errors.js';
export { BufferUsage } from './buffer-usage.js';
