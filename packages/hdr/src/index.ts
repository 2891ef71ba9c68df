export type * from './snapshot.js';
export { Aggregator, type AggregatorOptions } from './aggregator.js';
export { SERIES_OVERFLOW_EVENT } from './metric-state.js';
export { defaultBuckets, baseUnit, internalFactor } from './units.js';
