import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';

const RESOLUTION_MS = 20;

// One sampler per process: the event loop is per process, and each sampler is a timer. It runs
// while at least one health monitor holds it. Our own timer instead of monitorEventLoopDelay():
// on Node 20 its reset() discards the next delay, so a stall right after a window starts was
// never seen.
let holders = 0;
let timer: NodeJS.Timeout | undefined;
let last = 0;
let windowStart = 0;
let current: RecordableHistogram = createHistogram();
let previous: RecordableHistogram = createHistogram();

function sample(): void {
  const now = performance.now();
  const lagMs = Math.max(0, now - last - RESOLUTION_MS);
  last = now;
  current.record(Math.max(1, Math.round(lagMs * 1e6)));
}

/** Starts sampling for one more holder; the timer does not keep the process alive. */
export function holdEventLoopSampler(): void {
  holders++;
  if (timer !== undefined) return;
  last = performance.now();
  windowStart = last;
  current = createHistogram();
  previous = createHistogram();
  timer = setInterval(sample, RESOLUTION_MS);
  timer.unref();
}

/** One holder less; the last one stops the timer. */
export function releaseEventLoopSampler(): void {
  if (holders === 0) return;
  holders--;
  if (holders === 0 && timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
  }
}

/**
 * p99 and max event-loop delay in ms over the current and the previous window (so a window
 * that just began still has history); a new window starts when the current one is `windowMs`
 * old. Undefined while nothing samples or before the first sample.
 */
export function eventLoopDelay(windowMs: number): { p99: number; max: number; samples: number } | undefined {
  if (timer === undefined) return undefined;
  const merged = createHistogram();
  merged.add(previous);
  merged.add(current);
  const out = merged.count === 0 ? undefined : { p99: merged.percentile(99) / 1e6, max: merged.max / 1e6, samples: merged.count };
  if (performance.now() - windowStart >= windowMs) {
    previous = current;
    current = createHistogram();
    windowStart = performance.now();
  }
  return out;
}
