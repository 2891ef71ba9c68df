import { counter, distribution, lastValue, sum, summary, type MetricDefinition, type MetricOptions } from '@rx-telemetry/core';
import type { EncodedMetric } from './codec.js';

const BUILD = { counter, sum, lastValue, summary, distribution } as const;

// Restored metrics are never attached: the event name only has to be valid.
const RESTORED_EVENT = Object.freeze(['telemetry', 'hdr', 'restored']);

/** A definition equivalent (for aggregation and reporting) to the encoded metric's. */
export function definitionOf(m: EncodedMetric): MetricDefinition {
  const build = BUILD[m.type];
  if (build === undefined) throw new TypeError(`restore: unknown metric type ${JSON.stringify(m.type)}`);
  const options: MetricOptions = {
    eventName: RESTORED_EVENT,
    tags: m.tags,
    unit: m.unit ?? undefined,
    description: m.description ?? undefined,
    reporterOptions: m.bounds === null ? m.reporterOptions : { ...m.reporterOptions, buckets: m.bounds },
    ...(m.type === 'counter' ? {} : { measurement: 'value' }),
  };
  return build(m.name, options);
}

/** reporterOptions as plain JSON (functions and cycles dropped). */
export function jsonSafe(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  } catch {
    return {};
  }
}
