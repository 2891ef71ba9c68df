// Not public API: the live state reporters in this repository read directly, so a scrape costs
// no snapshot allocation. Shapes may change between minor versions.
export { MetricState, type Series } from './metric-state.js';
export { HistogramSeries, ValueSeries } from './series.js';
export { histogramStats } from './stats.js';
export { Layout } from './layout.js';
export { stats as hdrBackendStats, wasmReady } from './hdr-backend.js';
