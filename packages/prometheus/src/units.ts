import { conversionFactor, type Unit } from '@rx-telemetry/core';

/** The Prometheus base unit of a unit's family: values are exposed in it, and named after it. */
export function baseUnit(unit: Unit): 'second' | 'byte' {
  return unit === 'second' || unit === 'millisecond' || unit === 'microsecond' || unit === 'nanosecond' ? 'second' : 'byte';
}

// prom-client's (and the Go client's) defaults, in seconds.
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BYTES = [100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

function clean(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * Prometheus' default histogram buckets in a metric's unit: the latency defaults (0.005 … 10 s)
 * for time, decades from 100 B to 1 GB for sizes, the latency numbers as they are without a unit.
 * Give it to the Aggregator: `new Aggregator(telemetry, { metrics, defaultBuckets })`.
 */
export function defaultBuckets(unit: Unit | undefined): readonly number[] {
  if (unit === undefined) return SECONDS;
  const base = baseUnit(unit);
  const k = conversionFactor(base, unit);
  return (base === 'second' ? SECONDS : BYTES).map((b) => clean(b * k));
}
