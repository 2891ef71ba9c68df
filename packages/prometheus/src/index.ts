export { PrometheusReporter, SCRAPE_EVENT, PUSH_EVENT, type PrometheusReporterOptions } from './reporter.js';
export type { ListenOptions, Listening, HealthReport } from './server.js';
export type { PushOptions } from './push.js';
export type { Format } from './render.js';
export { wantsOpenMetrics } from './server.js';
