// Number option checks shared by Alerts and the HTTP handlers: a TypeError naming the option.

export function checkCount(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new TypeError(`${what} must be a finite number >= ${min}, got ${String(value)}`);
  return value;
}

export function checkInteger(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new TypeError(`${what} must be an integer >= ${min}, got ${String(value)}`);
  return value;
}
