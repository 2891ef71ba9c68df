/** An event name: a non-empty list of non-empty segments, e.g. `['compute','kernel','dispatch','stop']`. */
export type EventName = readonly string[];

/** Numeric facts about an event: durations, sizes, counts. */
export type Measurements = Readonly<Record<string, number>>;

/** Context about an event: ids, labels, errors. */
export type Metadata = Readonly<Record<string, unknown>>;

export function isEventName(value: unknown): value is EventName {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const segment of value) if (typeof segment !== 'string' || segment.length === 0) return false;
  return true;
}

export function assertEventName(value: unknown, what = 'event name'): asserts value is EventName {
  if (!isEventName(value)) {
    throw new TypeError(`${what} must be a non-empty array of non-empty strings, got ${describe(value)}`);
  }
}

/** True when `prefix` is a segment-wise prefix of `name` (equal names included). */
export function startsWith(name: EventName, prefix: EventName): boolean {
  if (prefix.length > name.length) return false;
  for (let i = 0; i < prefix.length; i++) if (name[i] !== prefix[i]) return false;
  return true;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  return Object.prototype.toString.call(value);
}
