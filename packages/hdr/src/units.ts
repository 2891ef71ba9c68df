import { conversionFactor, type MetricDefinition, type Unit } from '@rx-telemetry/core';

/**
 * Internal integer units per metric unit. HDR histograms count integers, so a value is recorded
 * as round(value * factor): time in nanoseconds (picoseconds for a nanosecond metric), sizes in
 * milli-bytes or finer, unitless values in millionths — a value below 1 keeps its precision.
 */
export function internalFactor(unit: Unit | undefined): number {
  switch (unit) {
    case undefined:
      return 1e6;
    case 'second':
    case 'millisecond':
    case 'microsecond':
    case 'nanosecond':
      return Math.max(1e3, conversionFactor(unit, 'nanosecond'));
    default:
      return Math.max(1e3, conversionFactor(unit, 'byte'));
  }
}

/** The Prometheus base unit of a unit's family. */
export function baseUnit(unit: Unit): 'second' | 'byte' {
  return unit === 'second' || unit === 'millisecond' || unit === 'microsecond' || unit === 'nanosecond' ? 'second' : 'byte';
}

// prom-client's (and the Go client's) defaults, in seconds.
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BYTES = [100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

function clean(x: number): number {
  return Number(x.toPrecision(12));
}

/** Default histogram buckets in the metric's unit: Prometheus' latency defaults, or decades of bytes. */
export function defaultBuckets(unit: Unit | undefined): readonly number[] {
  if (unit === undefined) return SECONDS;
  const base = baseUnit(unit);
  const k = conversionFactor(base, unit);
  return (base === 'second' ? SECONDS : BYTES).map((b) => clean(b * k));
}

/** `reporterOptions.buckets` validated, or the defaults for a distribution; undefined otherwise. */
export function bucketsOf(def: MetricDefinition): readonly number[] | undefined {
  if (def.type !== 'distribution') return undefined;
  const raw = def.reporterOptions.buckets;
  if (raw === undefined) return defaultBuckets(def.unit);
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((b) => typeof b !== 'number' || !Number.isFinite(b))) {
    throw new TypeError(`metric ${JSON.stringify(def.name)}: reporterOptions.buckets must be a non-empty array of finite numbers`);
  }
  for (let i = 1; i < raw.length; i++) {
    if (!((raw[i] as number) > (raw[i - 1] as number))) {
      throw new TypeError(`metric ${JSON.stringify(def.name)}: reporterOptions.buckets must be strictly increasing`);
    }
  }
  return Object.freeze([...(raw as number[])]);
}
