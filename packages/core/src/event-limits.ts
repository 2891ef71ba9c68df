import { describe, type EventName } from './event-name.js';

/**
 * The longest event name the bus accepts: 32 segments and 1,024 characters in all. Names built
 * from ids or routes stay far below it; the bound keeps one hostile or buggy name from costing
 * memory or time out of proportion (a name of 20,000 segments once cost O(n²) memory).
 */
export const MAX_NAME_SEGMENTS = 32;
export const MAX_NAME_CHARACTERS = 1024;

/** Why `name` is not a valid event name, or undefined when it is one. */
export function invalidNameReason(name: unknown): string | undefined {
  if (!Array.isArray(name)) return `not an array: ${describe(typeof name === 'string' && name.length > 64 ? `${name.slice(0, 64)}…` : name).slice(0, 100)}`;
  if (name.length === 0) return 'no segments';
  if (name.length > MAX_NAME_SEGMENTS) return `${name.length} segments (at most ${MAX_NAME_SEGMENTS})`;
  let chars = 0;
  for (let i = 0; i < name.length; i++) {
    const s: unknown = name[i];
    if (typeof s !== 'string' || s.length === 0) return `segment ${i} is not a non-empty string`;
    chars += s.length;
  }
  if (chars > MAX_NAME_CHARACTERS) return `${chars} characters (at most ${MAX_NAME_CHARACTERS})`;
  return undefined;
}

/** True for a valid event name within the limits above. */
export function isEventName(value: unknown): value is EventName {
  return invalidNameReason(value) === undefined;
}

export function assertEventName(value: unknown, what = 'event name'): asserts value is EventName {
  const reason = invalidNameReason(value);
  if (reason !== undefined) throw new TypeError(`${what} must be a non-empty array of non-empty strings of at most ${MAX_NAME_SEGMENTS} segments and ${MAX_NAME_CHARACTERS} characters: ${reason}`);
}
