export { StatsdReporter } from './statsd-reporter.js';
export type { StatsdReporterOptions, StatsdMetricOptions } from './options.js';
export type { Formatter } from './formatter.js';
export { STATSD_ERROR_EVENT } from './statsd-error-event.js';
export { sanitizeName, sanitizeTagValue, sanitizeSegment } from './sanitize.js';
