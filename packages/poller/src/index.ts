// The public API of @rx-telemetry/poller. Every name here is listed in README.md's API section.
export { startPoller, type Poller, type PollerOptions, type PollerMeasurement } from './start-poller.js';
export { BUILTIN_MEASUREMENTS, DEFAULT_MEASUREMENTS, type BuiltinMeasurement } from './builtins.js';
export { pollerPreset, PRESET_NAMES, type PollerPreset, type PresetName } from './preset.js';
export type { CustomMeasurement } from './custom.js';
export type { NvidiaSmiOptions } from './nvidia-smi.js';
export { parseNvidiaSmi, NVIDIA_SMI_ARGS, NVIDIA_SMI_FIELDS, type NvidiaGpuReading } from './nvidia-smi-parse.js';
export {
  MEMORY_EVENT,
  CPU_EVENT,
  EVENT_LOOP_EVENT,
  EVENT_LOOP_TIME_EVENT,
  EVENT_LOOP_LAG_EVENT,
  GC_EVENT,
  GC_COLLECTION_EVENT,
  HEAP_SPACE_EVENT,
  ACTIVE_EVENT,
  ACTIVE_RESOURCES_EVENT,
  ACTIVE_HANDLES_EVENT,
  ACTIVE_REQUESTS_EVENT,
  PROCESS_EVENT,
  NVIDIA_GPU_EVENT,
  POLLER_FAILURE_EVENT,
} from './events.js';
