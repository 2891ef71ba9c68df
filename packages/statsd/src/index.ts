// The public API of @rx-telemetry/statsd. Every name here is listed in README.md's API section.
export { StatsdReporter } from './statsd-reporter.js';
export type { StatsdReporterOptions, StatsdMetricOptions, StatsdAggregationOptions } from './options.js';
export type { Formatter } from './formatter.js';
export { STATSD_ERROR_EVENT } from './statsd-error-event.js';
export { STATSD_DROPPED_EVENT } from './statsd-dropped-event.js';
export { sanitizeName, sanitizeTagValue, sanitizeSegment } from './sanitize.js';
