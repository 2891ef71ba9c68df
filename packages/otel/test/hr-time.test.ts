import { expect } from 'chai';
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { hrTimeFromMonotonic } from '../src/hr-time.js';
import { hrToNs } from './tracing.js';

// Up to ~50 days of uptime and of span duration, in integer ns: their sum stays below 2^53, the
// range where core's monotonic nanoseconds (doubles) are exact at all.
const ns = fc.integer({ min: 0, max: 50 * 86_400 * 1e9 });

describe('HrTime conversion', () => {
  it('keeps the nanosecond part within [0, 1e9) and both parts integers', () => {
    fc.assert(
      fc.property(ns, ns, (t, d) => {
        for (const [s, n] of [hrTimeFromMonotonic(t), hrTimeFromMonotonic(t + d)]) {
          if (!Number.isInteger(s) || !Number.isInteger(n) || n < 0 || n >= 1e9) return false;
        }
        return true;
      }),
    );
  });

  it('puts the end (start + duration, as the bridge computes it) exactly the duration after the start', () => {
    fc.assert(fc.property(ns, ns, (t, d) => hrToNs(hrTimeFromMonotonic(t + d)) - hrToNs(hrTimeFromMonotonic(t)) === BigInt(d)));
  });

  it('maps two monotonic times to HrTimes exactly as far apart', () => {
    fc.assert(fc.property(ns, ns, (a, b) => hrToNs(hrTimeFromMonotonic(a)) - hrToNs(hrTimeFromMonotonic(b)) === BigInt(a - b)));
  });

  it('places monotonic 0 at performance.timeOrigin (to the microsecond)', () => {
    const originNs = hrToNs(hrTimeFromMonotonic(0));
    expect(Number(originNs / 1000n)).to.be.closeTo(performance.timeOrigin * 1000, 1);
  });
});
