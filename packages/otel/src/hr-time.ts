import { performance } from 'node:perf_hooks';
import type { HrTime } from '@opentelemetry/api';

// Core times are nanoseconds since performance.timeOrigin. The origin is split into whole
// seconds and a nanosecond remainder once, so every conversion stays in exact integer range
// (epoch nanoseconds would not fit a double).
const originMs = performance.timeOrigin;
const originSeconds = Math.floor(originMs / 1000);
const originNanos = Math.round((originMs - originSeconds * 1000) * 1e6);

/** An OpenTelemetry HrTime ([epoch seconds, nanoseconds]) from a core monotonic time in ns. */
export function hrTimeFromMonotonic(monotonicNs: number): HrTime {
  const nanos = originNanos + monotonicNs;
  const seconds = Math.floor(nanos / 1e9);
  return [originSeconds + seconds, nanos - seconds * 1e9];
}
