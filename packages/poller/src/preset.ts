import type { MetricDefinition } from '@rx-telemetry/core';
import type { BuiltinMeasurement } from './builtins.js';
import { otelPreset } from './presets/otel.js';
import { promClientPreset } from './presets/prom-client.js';

/** The presets: names and types existing dashboards and tools expect. */
export type PresetName = 'prom-client' | 'otel';

export const PRESET_NAMES: readonly PresetName[] = Object.freeze(['prom-client', 'otel']);

/** Metric definitions for an aggregator, and the built-in measurements the poller must run to feed them. */
export interface PollerPreset {
  readonly name: PresetName;
  readonly metrics: readonly MetricDefinition[];
  readonly measurements: readonly BuiltinMeasurement[];
}

export function checkPresetName(name: unknown, where: string): asserts name is PresetName {
  if (!(PRESET_NAMES as readonly unknown[]).includes(name)) {
    throw new TypeError(`${where} must be one of ${PRESET_NAMES.map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(name) ?? String(name)}`);
  }
}

/**
 * A preset's metric definitions (new objects on every call) and the measurements that feed them.
 * `'prom-client'`: the names, types and labels of prom-client's `collectDefaultMetrics()`
 * (`process_cpu_seconds_total`, `nodejs_eventloop_lag_seconds`, `nodejs_gc_duration_seconds`, …),
 * rendered as such by `@rx-telemetry/prometheus`. `'otel'`: OpenTelemetry's Node.js and V8
 * runtime semantic conventions (`nodejs.eventloop.delay.p99`, `v8js.memory.heap.used`, …).
 *
 * ```ts
 * const preset = pollerPreset('prom-client');
 * const aggregator = new Aggregator(telemetry, { metrics: [...preset.metrics, ...mine] });
 * new PrometheusReporter(telemetry, { aggregator });
 * startPoller(telemetry, { periodMs: 10_000, preset: 'prom-client' });
 * ```
 */
export function pollerPreset(name: PresetName): PollerPreset {
  checkPresetName(name, 'pollerPreset: name');
  const preset = name === 'prom-client' ? promClientPreset() : otelPreset();
  return Object.freeze({ name, metrics: Object.freeze(preset.metrics), measurements: Object.freeze(preset.measurements) });
}
