// The public API of @rx-telemetry/poller. Every name here is listed in README.md's API section.
export { startPoller, BUILTIN_MEASUREMENTS, type Poller, type PollerOptions, type PollerMeasurement, type BuiltinMeasurement } from './start-poller.js';
export type { CustomMeasurement } from './custom.js';
export type { NvidiaSmiOptions } from './nvidia-smi.js';
export { parseNvidiaSmi, NVIDIA_SMI_ARGS, NVIDIA_SMI_FIELDS, type NvidiaGpuReading } from './nvidia-smi-parse.js';
export { MEMORY_EVENT, CPU_EVENT, EVENT_LOOP_EVENT, GC_EVENT, NVIDIA_GPU_EVENT, POLLER_FAILURE_EVENT } from './events.js';
