import { lastValue, sum, distribution, type MetricDefinition, type Metadata } from '@rx-telemetry/core';
import type { BuiltinMeasurement } from '../builtins.js';
import {
  ACTIVE_EVENT,
  ACTIVE_HANDLES_EVENT,
  ACTIVE_REQUESTS_EVENT,
  ACTIVE_RESOURCES_EVENT,
  CPU_EVENT,
  EVENT_LOOP_EVENT,
  EVENT_LOOP_LAG_EVENT,
  GC_COLLECTION_EVENT,
  HEAP_SPACE_EVENT,
  MEMORY_EVENT,
  PROCESS_EVENT,
} from '../events.js';
import { HAS_PROC } from '../process-info.js';

const NS_TO_S = { from: 'nanosecond', to: 'second' } as const;
const US_TO_S = { from: 'microsecond', to: 'second' } as const;

// prom-client labels a heap space without V8's `_space` suffix: `new`, `old`, `large_object`.
function spaceLabel(md: Metadata): Readonly<Record<string, unknown>> {
  const space = md.space;
  return { space: typeof space === 'string' && space.endsWith('_space') ? space.slice(0, -'_space'.length) : space };
}

const [major, minor, patch] = process.version.slice(1).split('.');
const VERSION_LABELS = Object.freeze({ version: process.version, major, minor, patch });

/**
 * prom-client's default metrics (`collectDefaultMetrics()`, prom-client 15): same names, types and
 * labels once rendered by `@rx-telemetry/prometheus`. Counters are sums of per-poll deltas (a
 * definition named without `_total`: Prometheus counters get it appended), gauges last values,
 * the GC histogram a distribution with prom-client's buckets. The /proc-based ones (virtual
 * memory, data size, file descriptors) only where /proc exists, as in prom-client.
 */
export function promClientPreset(): { metrics: MetricDefinition[]; measurements: BuiltinMeasurement[] } {
  const gauge = (name: string, eventName: readonly string[], measurement: string, description: string, unit?: 'byte' | 'second' | typeof NS_TO_S): MetricDefinition =>
    lastValue(name, { eventName, measurement, description, ...(unit === undefined ? {} : { unit }) });
  const perType = (name: string, eventName: readonly string[], description: string): MetricDefinition =>
    lastValue(name, { eventName, measurement: 'count', tags: ['type'], description });
  const lag = (stat: string, description: string): MetricDefinition => gauge(`nodejs_eventloop_lag_${stat}_seconds`, EVENT_LOOP_EVENT, stat, description, NS_TO_S);
  const space = (stat: string, measurement: string): MetricDefinition =>
    lastValue(`nodejs_heap_space_size_${stat}_bytes`, { eventName: HEAP_SPACE_EVENT, measurement, tags: ['space'], tagValues: spaceLabel, unit: 'byte', description: `V8 heap space ${stat} size in bytes.` });

  const metrics: MetricDefinition[] = [
    sum('process_cpu_user_seconds', { eventName: CPU_EVENT, measurement: 'user', unit: US_TO_S, description: 'User CPU time spent, in seconds.' }),
    sum('process_cpu_system_seconds', { eventName: CPU_EVENT, measurement: 'system', unit: US_TO_S, description: 'System CPU time spent, in seconds.' }),
    sum('process_cpu_seconds', { eventName: CPU_EVENT, measurement: (m) => m.user + m.system, unit: US_TO_S, description: 'User and system CPU time spent, in seconds.' }),
    gauge('process_start_time_seconds', PROCESS_EVENT, 'startTime', 'Process start time, seconds since the Unix epoch.', 'second'),
    gauge('process_resident_memory_bytes', MEMORY_EVENT, 'rss', 'Resident memory size in bytes.', 'byte'),
  ];
  if (HAS_PROC) {
    metrics.push(
      gauge('process_virtual_memory_bytes', PROCESS_EVENT, 'virtualMemory', 'Virtual memory size in bytes.', 'byte'),
      gauge('process_heap_bytes', PROCESS_EVENT, 'dataMemory', 'Process data segment (heap) size in bytes.', 'byte'),
      gauge('process_open_fds', PROCESS_EVENT, 'openFds', 'Open file descriptors.'),
      gauge('process_max_fds', PROCESS_EVENT, 'maxFds', 'Most file descriptors the process may open.'),
    );
  }
  metrics.push(
    gauge('nodejs_eventloop_lag_seconds', EVENT_LOOP_LAG_EVENT, 'lag', 'Event loop lag in seconds: how long an immediate scheduled at the poll waited.', NS_TO_S),
    lag('min', 'Minimum event loop delay over the last period.'),
    lag('max', 'Maximum event loop delay over the last period.'),
    lag('mean', 'Mean event loop delay over the last period.'),
    lag('stddev', 'Standard deviation of the event loop delay over the last period.'),
    lag('p50', 'Median event loop delay over the last period.'),
    lag('p90', '90th percentile of the event loop delay over the last period.'),
    lag('p99', '99th percentile of the event loop delay over the last period.'),
    perType('nodejs_active_resources', ACTIVE_RESOURCES_EVENT, 'Resources keeping the event loop alive, by type.'),
    gauge('nodejs_active_resources_total', ACTIVE_EVENT, 'resources', 'Resources keeping the event loop alive.'),
  );
  if (typeof (process as unknown as { _getActiveHandles?: unknown })._getActiveHandles === 'function') {
    metrics.push(
      perType('nodejs_active_handles', ACTIVE_HANDLES_EVENT, 'Active libuv handles, by class name.'),
      gauge('nodejs_active_handles_total', ACTIVE_EVENT, 'handles', 'Active libuv handles.'),
    );
  }
  if (typeof (process as unknown as { _getActiveRequests?: unknown })._getActiveRequests === 'function') {
    metrics.push(
      perType('nodejs_active_requests', ACTIVE_REQUESTS_EVENT, 'Active libuv requests, by class name.'),
      gauge('nodejs_active_requests_total', ACTIVE_EVENT, 'requests', 'Active libuv requests.'),
    );
  }
  metrics.push(
    gauge('nodejs_heap_size_total_bytes', MEMORY_EVENT, 'heapTotal', 'V8 heap size in bytes.', 'byte'),
    gauge('nodejs_heap_size_used_bytes', MEMORY_EVENT, 'heapUsed', 'V8 heap used in bytes.', 'byte'),
    gauge('nodejs_external_memory_bytes', MEMORY_EVENT, 'external', 'Memory of C++ objects bound to JavaScript objects, in bytes.', 'byte'),
    space('total', 'size'),
    space('used', 'used'),
    space('available', 'available'),
    lastValue('nodejs_version_info', { eventName: PROCESS_EVENT, measurement: () => 1, tags: ['version', 'major', 'minor', 'patch'], tagValues: () => VERSION_LABELS, description: 'Node.js version.' }),
    distribution('nodejs_gc_duration_seconds', {
      eventName: GC_COLLECTION_EVENT,
      measurement: 'duration',
      tags: ['kind'],
      unit: NS_TO_S,
      description: 'Garbage collection duration by kind (major, minor, incremental, weakcb), in seconds.',
      reporterOptions: { buckets: [0.001, 0.01, 0.1, 1, 2, 5] },
    }),
  );
  return { metrics, measurements: ['cpu', 'memory', 'process', 'event_loop', 'event_loop_lag', 'active', 'heap_spaces', 'gc'] };
}
