// The public API of @rx-telemetry/live-page. Every name here is listed in README.md's API section.
export { livePage, type LivePage, type PageRoute, type PageState, type PageTick } from './live-page.js';
export type { LivePageOptions } from './options.js';
export type { ChartSpec, ChartLine, PageHints } from './charts.js';
export type { SeriesInfo, Field } from './series.js';
export type { AlertRow } from './alert-log.js';
export type { ExceptionRow } from './exceptions.js';
