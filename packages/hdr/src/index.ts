export type * from './snapshot.js';
export type { CollectedMetric, CollectedSeries, Exemplar, HistogramPart, HistogramReading, MetricsVisitor } from './collect.js';
export type { DefaultBuckets } from './buckets.js';
export type { AggregatorOptions } from './options.js';
export { Aggregator } from './aggregator.js';
export { MAX_BUCKET_BOUNDS } from './buckets.js';
export { SERIES_OVERFLOW_EVENT } from './metric-state.js';
export { IDLE_SERIES_REMOVED_EVENT } from './idle-sweep.js';
export { SUBSCRIBER_FAILURE_EVENT } from './snapshot-stream.js';
