import { define, type MetricDefinition, type MetricOptions } from './definition.js';

/**
 * Counts emissions of the event (the measurement is not read).
 *
 * ```ts
 * counter('compute.kernel.dispatch.stop.count', { eventName: ['compute', 'kernel', 'dispatch', 'stop'], tags: ['kernel'] });
 * ```
 */
export function counter(name: string, options?: MetricOptions): MetricDefinition {
  return define('counter', name, options);
}
