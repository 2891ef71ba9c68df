// Option checks shared by Alerts and the HTTP handlers: a TypeError naming the option.

export function checkCount(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new TypeError(`${what} must be a finite number >= ${min}, got ${String(value)}`);
  return value;
}

export function checkInteger(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new TypeError(`${what} must be an integer >= ${min}, got ${String(value)}`);
  return value;
}

export function checkHeaders(value: unknown, what: string): Readonly<Record<string, string>> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${what} must be an object of strings`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new TypeError(`${what}.${k} must be a string`);
    // What fetch would refuse at delivery time, refused now.
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(k)) throw new TypeError(`${what}: ${JSON.stringify(k)} is not a valid header name`);
    if (/[\r\n\0]/.test(v)) throw new TypeError(`${what}.${k} must not contain CR, LF or NUL`);
  }
  return value as Readonly<Record<string, string>>;
}
