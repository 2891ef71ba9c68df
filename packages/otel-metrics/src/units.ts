import type { Unit } from '@rx-telemetry/core';

// UCUM case-sensitive codes, as OpenTelemetry's semantic conventions write units.
const UCUM: Readonly<Record<Unit, string>> = {
  nanosecond: 'ns',
  microsecond: 'us',
  millisecond: 'ms',
  second: 's',
  byte: 'By',
  kilobyte: 'kBy',
  megabyte: 'MBy',
  gigabyte: 'GBy',
};

/** A metric's unit as OTLP carries it (UCUM: 's', 'ms', 'By', …); '' without one, '{count}' for counters. */
export function ucum(unit: Unit | undefined, counter: boolean): string {
  if (counter) return '{count}';
  return unit === undefined ? '' : UCUM[unit];
}
