/** Units a metric can convert between. Time is one family, size the other. */
export type TimeUnit = 'nanosecond' | 'microsecond' | 'millisecond' | 'second';
export type ByteUnit = 'byte' | 'kilobyte' | 'megabyte' | 'gigabyte';
export type Unit = TimeUnit | ByteUnit;

/** `{ from, to }`: the measurement is in `from`, the metric reports `to`. A bare unit means no conversion. */
export type UnitOption = Unit | { readonly from: Unit; readonly to: Unit };

// Size in the family's smallest unit. Kilobyte is 1000 bytes (SI), as Prometheus' base-unit guide assumes.
const SCALE: Readonly<Record<Unit, readonly [family: 'time' | 'bytes', size: number]>> = {
  nanosecond: ['time', 1],
  microsecond: ['time', 1e3],
  millisecond: ['time', 1e6],
  second: ['time', 1e9],
  byte: ['bytes', 1],
  kilobyte: ['bytes', 1e3],
  megabyte: ['bytes', 1e6],
  gigabyte: ['bytes', 1e9],
};

export function isUnit(value: unknown): value is Unit {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SCALE, value);
}

/** The factor that converts a value in `from` into `to`. Throws when the units differ in kind. */
export function conversionFactor(from: Unit, to: Unit): number {
  const [ff, fs] = SCALE[from];
  const [tf, ts] = SCALE[to];
  if (ff !== tf) throw new TypeError(`cannot convert ${from} to ${to}`);
  return fs / ts;
}

/**
 * The integer n when `factor` is exactly 1/n for some n > 1 (a down-conversion such as ns -> ms),
 * else 0. Dividing by n gives the nearest decimal (1000123 ns -> 1.000123 ms) where multiplying
 * by the inexact 1e-6 gives 1.0001229999999999; every reporter converts the same way with it.
 */
export function exactDivisor(factor: number): number {
  if (!(factor < 1) || !(factor > 0)) return 0;
  const inverse = Math.round(1 / factor);
  return Math.abs(inverse * factor - 1) < 1e-12 ? inverse : 0;
}

export const UNITS: readonly Unit[] = Object.freeze(Object.keys(SCALE) as Unit[]);
