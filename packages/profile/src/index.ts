// The public API of @rx-telemetry/profile. Every name here is listed in README.md's API section.
export { profile, type ProfileOptions, type Profiler } from './profile.js';
export { recentTraces, type RecentTraces, type RecentTracesOptions } from './recent-traces.js';
export { toChromeTrace, SPAN_CATEGORY, type ChromeTrace, type ChromeTraceOptions, type TraceEvent } from './chrome-trace.js';
export { HEAP_COUNTER, type ProfileCounter } from './counters.js';
export type { RecordedSpan, CounterSample } from './recorded-span.js';
export { PROFILE_DROPPED_EVENT } from './dropped-event.js';
