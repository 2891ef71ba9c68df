import { define, type MetricDefinition, type MetricOptions } from './definition.js';

/**
 * A histogram of the measurement (buckets via `reporterOptions.buckets`).
 *
 * ```ts
 * distribution('compute.kernel.dispatch.stop.duration', {
 *   tags: ['kernel', 'device'],
 *   unit: { from: 'nanosecond', to: 'second' },
 *   reporterOptions: { buckets: [0.001, 0.01, 0.1, 1] },
 * });
 * ```
 */
export function distribution(name: string, options?: MetricOptions): MetricDefinition {
  return define('distribution', name, options);
}
