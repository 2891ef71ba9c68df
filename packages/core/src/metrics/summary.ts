import { define, type MetricDefinition, type MetricOptions } from './definition.js';

/**
 * Quantiles of the measurement over a sliding window.
 *
 * ```ts
 * summary('compute.kernel.dispatch.stop.duration', { tags: ['kernel'], unit: { from: 'nanosecond', to: 'millisecond' } });
 * ```
 */
export function summary(name: string, options?: MetricOptions): MetricDefinition {
  return define('summary', name, options);
}
