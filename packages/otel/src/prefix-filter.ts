import type { EventName } from '@rx-telemetry/core';

/** True when `name` starts with one of `prefixes`, segment by segment. */
export function matchesAnyPrefix(name: EventName, prefixes: readonly EventName[]): boolean {
  outer: for (let p = 0; p < prefixes.length; p++) {
    const prefix = prefixes[p];
    if (prefix.length > name.length) continue;
    for (let i = 0; i < prefix.length; i++) if (name[i] !== prefix[i]) continue outer;
    return true;
  }
  return false;
}
