/** An event name: a non-empty list of non-empty segments, e.g. `['compute','kernel','dispatch','stop']`. */
export type EventName = readonly string[];

/** Numeric facts about an event: durations, sizes, counts. */
export type Measurements = Readonly<Record<string, number>>;

/** Context about an event: ids, labels, errors. */
export type Metadata = Readonly<Record<string, unknown>>;

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
