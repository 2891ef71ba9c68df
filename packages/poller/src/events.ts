import type { EventName } from '@rx-telemetry/core';

export const MEMORY_EVENT: EventName = Object.freeze(['vm', 'memory']);
export const CPU_EVENT: EventName = Object.freeze(['vm', 'cpu']);
export const EVENT_LOOP_EVENT: EventName = Object.freeze(['vm', 'event_loop']);
export const GC_EVENT: EventName = Object.freeze(['vm', 'gc']);
export const NVIDIA_GPU_EVENT: EventName = Object.freeze(['gpu', 'nvidia']);
/** Emitted once when a measurement throws (or rejects) and is dropped from the poller. */
export const POLLER_FAILURE_EVENT: EventName = Object.freeze(['telemetry', 'poller', 'failure']);
