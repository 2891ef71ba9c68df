import { define, type MetricDefinition, type MetricOptions } from './definition.js';

/**
 * Adds up the measurement.
 *
 * ```ts
 * sum('compute.memory.transfer.stop.bytes', { tags: ['direction'], unit: { from: 'byte', to: 'megabyte' } });
 * ```
 */
export function sum(name: string, options?: MetricOptions): MetricDefinition {
  return define('sum', name, options);
}
