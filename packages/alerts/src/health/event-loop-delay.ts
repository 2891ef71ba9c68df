import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

// One per process: the event loop is per process, and every histogram adds a timer.
let histogram: IntervalHistogram | undefined;
let since = 0;

/** p99 and max event-loop delay in ms over (roughly) the last `windowMs`; undefined before any sample. */
export function eventLoopDelay(windowMs: number): { p99: number; max: number; samples: number } | undefined {
  if (histogram === undefined) {
    histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    since = Date.now();
  }
  const samples = histogram.count;
  const out = samples === 0 ? undefined : { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, samples };
  if (Date.now() - since >= windowMs) {
    histogram.reset();
    since = Date.now();
  }
  return out;
}

/** Starts sampling now, so that the first health check has data. */
export function startEventLoopDelay(): void {
  eventLoopDelay(Number.POSITIVE_INFINITY);
}
