import { performance } from 'node:perf_hooks';

// One clock read per timestamp: performance.now() is the cheapest monotonic clock on Node 20
// (~32 ns vs ~41 ns for hrtime.bigint()), and wall time is derived from it instead of a
// second read of Date.now().
const origin = performance.timeOrigin;

/** Milliseconds since the process time origin, sub-microsecond precision. */
export const now: () => number = performance.now.bind(performance);

/** Monotonic nanoseconds from a `now()` reading. Exact to 1 ns for ~100 days of uptime. */
export function toNs(ms: number): number {
  return Math.round(ms * 1e6);
}

/** Wall-clock milliseconds since the epoch from a `now()` reading. */
export function toSystemMs(ms: number): number {
  return Math.round(origin + ms);
}

/** Current monotonic time in nanoseconds. */
export function monotonicTime(): number {
  return toNs(now());
}
