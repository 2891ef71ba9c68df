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

export const UNITS: readonly Unit[] = Object.freeze(Object.keys(SCALE) as Unit[]);
