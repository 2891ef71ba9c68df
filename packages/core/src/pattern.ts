import type { EventName } from './event-name.js';

/** Wildcard for one segment in an `events()` pattern. */
export const ANY_SEGMENT = '*';

/** True when `pattern` is a prefix of `name`, where `'*'` matches any one segment. */
export function matches(name: EventName, pattern: EventName): boolean {
  if (pattern.length > name.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== ANY_SEGMENT && pattern[i] !== name[i]) return false;
  }
  return true;
}
