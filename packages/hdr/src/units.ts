import { conversionFactor, type Unit } from '@rx-telemetry/core';

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
