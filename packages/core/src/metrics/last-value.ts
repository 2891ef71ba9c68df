import { define, type MetricDefinition, type MetricOptions } from './definition.js';

/**
 * Keeps the most recent measurement (a gauge).
 *
 * ```ts
 * lastValue('vm.memory.heapUsed', { unit: 'byte' });
 * ```
 */
export function lastValue(name: string, options?: MetricOptions): MetricDefinition {
  return define('lastValue', name, options);
}
