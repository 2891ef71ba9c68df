export { PrometheusReporter, type PrometheusReporterOptions } from './reporter.js';
export { SCRAPE_EVENT, PUSH_EVENT, CONNECTION_CLOSED_EVENT, ROUTE_FAILURE_EVENT } from './events.js';
export { serveMetrics } from './serve-metrics.js';
export type { ListenOptions, Listening, HealthReport, Route, RouteHandler, StreamingRoute } from './listen-options.js';
export type { PushOptions } from './push.js';
export type { PushEveryOptions, Pushing } from './push-schedule.js';
export type { Format } from './render.js';
export { wantsOpenMetrics, MAX_PIPELINED } from './server.js';
export { defaultBuckets, baseUnit } from './units.js';
