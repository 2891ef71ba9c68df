import type { EventName } from '@rx-telemetry/core';

export const MEMORY_EVENT: EventName = Object.freeze(['vm', 'memory']);
export const CPU_EVENT: EventName = Object.freeze(['vm', 'cpu']);
export const EVENT_LOOP_EVENT: EventName = Object.freeze(['vm', 'event_loop']);
/** Time the event loop spent active and idle since the previous poll, one event per state. */
export const EVENT_LOOP_TIME_EVENT: EventName = Object.freeze(['vm', 'event_loop', 'time']);
/** How long a `setImmediate` scheduled at the poll waited (prom-client's `nodejs_eventloop_lag_seconds`). */
export const EVENT_LOOP_LAG_EVENT: EventName = Object.freeze(['vm', 'event_loop', 'lag']);
export const GC_EVENT: EventName = Object.freeze(['vm', 'gc']);
/** One event per garbage collection, as it is observed (not at the poll). */
export const GC_COLLECTION_EVENT: EventName = Object.freeze(['vm', 'gc', 'collection']);
/** One event per V8 heap space. */
export const HEAP_SPACE_EVENT: EventName = Object.freeze(['vm', 'heap_space']);
/** Totals of what keeps the event loop alive: resources, handles, requests. */
export const ACTIVE_EVENT: EventName = Object.freeze(['vm', 'active']);
/** One event per resource type (`process.getActiveResourcesInfo()`). */
export const ACTIVE_RESOURCES_EVENT: EventName = Object.freeze(['vm', 'active', 'resources']);
/** One event per handle type (libuv handles by class name). */
export const ACTIVE_HANDLES_EVENT: EventName = Object.freeze(['vm', 'active', 'handles']);
/** One event per request type (libuv requests by class name). */
export const ACTIVE_REQUESTS_EVENT: EventName = Object.freeze(['vm', 'active', 'requests']);
/** The process as the OS sees it: start time, and on Linux virtual/resident/data memory and file descriptors. */
export const PROCESS_EVENT: EventName = Object.freeze(['vm', 'process']);
export const NVIDIA_GPU_EVENT: EventName = Object.freeze(['gpu', 'nvidia']);
/** Emitted once when a measurement throws (or rejects) and is dropped from the poller. */
export const POLLER_FAILURE_EVENT: EventName = Object.freeze(['telemetry', 'poller', 'failure']);
