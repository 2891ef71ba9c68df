import { distribution, lastValue, sum, type Metadata, type MetricDefinition } from '@rx-telemetry/core';
import type { BuiltinMeasurement } from '../builtins.js';
import { ACTIVE_RESOURCES_EVENT, EVENT_LOOP_EVENT, EVENT_LOOP_TIME_EVENT, GC_COLLECTION_EVENT, HEAP_SPACE_EVENT } from '../events.js';

const NS_TO_S = { from: 'nanosecond', to: 'second' } as const;

const renamed = (from: string, to: string) => (md: Metadata): Readonly<Record<string, unknown>> => ({ [to]: md[from] });
const spaceName = renamed('space', 'v8js.heap.space.name');

/**
 * OpenTelemetry's runtime semantic conventions for Node.js (`nodejs.eventloop.*`) and V8
 * (`v8js.*`): metric names, units and attribute names as the conventions give them. The
 * conventions' gauges and up-down counters are last values; `nodejs.eventloop.time` is a sum of
 * per-poll times (a counter); `v8js.gc.duration` a distribution with the advised buckets.
 */
export function otelPreset(): { metrics: MetricDefinition[]; measurements: BuiltinMeasurement[] } {
  const delay = (stat: string, description: string): MetricDefinition =>
    lastValue(`nodejs.eventloop.delay.${stat}`, { eventName: EVENT_LOOP_EVENT, measurement: stat, unit: NS_TO_S, description });
  const heap = (name: string, measurement: string, description: string): MetricDefinition =>
    lastValue(name, { eventName: HEAP_SPACE_EVENT, measurement, tags: ['v8js.heap.space.name'], tagValues: spaceName, unit: 'byte', description });
  const metrics: MetricDefinition[] = [
    delay('min', 'Event loop minimum delay.'),
    delay('max', 'Event loop maximum delay.'),
    delay('mean', 'Event loop mean delay.'),
    delay('stddev', 'Event loop standard deviation delay.'),
    delay('p50', 'Event loop 50 percentile delay.'),
    delay('p90', 'Event loop 90 percentile delay.'),
    delay('p99', 'Event loop 99 percentile delay.'),
    lastValue('nodejs.eventloop.utilization', { eventName: EVENT_LOOP_EVENT, measurement: 'utilization', description: 'Event loop utilization.' }),
    sum('nodejs.eventloop.time', {
      eventName: EVENT_LOOP_TIME_EVENT,
      measurement: 'duration',
      tags: ['nodejs.eventloop.state'],
      tagValues: renamed('state', 'nodejs.eventloop.state'),
      unit: NS_TO_S,
      description: 'Cumulative duration of time the event loop has been in each state.',
    }),
    distribution('v8js.gc.duration', {
      eventName: GC_COLLECTION_EVENT,
      measurement: 'duration',
      tags: ['v8js.gc.type'],
      tagValues: renamed('kind', 'v8js.gc.type'),
      unit: NS_TO_S,
      description: 'Garbage collection duration.',
      reporterOptions: { buckets: [0.01, 0.1, 1, 10] },
    }),
    heap('v8js.memory.heap.used', 'used', 'Heap Memory size allocated.'),
    heap('v8js.memory.heap.space.size', 'size', 'Total heap memory size pre-allocated for a heap space.'),
    heap('v8js.memory.heap.space.available_size', 'available', 'Heap space available size.'),
    heap('v8js.memory.heap.space.physical_size', 'physical', 'Committed size of a heap space.'),
    lastValue('v8js.resource.active', {
      eventName: ACTIVE_RESOURCES_EVENT,
      measurement: 'count',
      tags: ['v8js.resource.type'],
      tagValues: renamed('type', 'v8js.resource.type'),
      description: 'Active resources that are currently keeping the event loop alive.',
    }),
  ];
  return { metrics, measurements: ['event_loop', 'gc', 'heap_spaces', 'active'] };
}
