import type { MetricDefinition } from '@rx-telemetry/core';

// MetricDefinition does not say whether `tagValues` or `keep`/`drop` were given, and the record
// path wants to skip both when absent. These probes tell from behaviour: without a function,
// `tagValuesOf` reads exactly the tag keys of the metadata and `accepts` touches nothing and says
// true. A function that behaves identically (identity, always-true) is equivalent, so treating it
// as absent changes nothing. Fields `hasTagValues`/`filtered`, if core adds them, win.

const MARK = '\u0000probe:';

interface Flags {
  readonly hasTagValues?: unknown;
  readonly filtered?: unknown;
}

function recorder(seen: PropertyKey[]): Record<string, unknown> {
  return new Proxy(
    {},
    {
      get: (_t, k) => {
        seen.push(k);
        return typeof k === 'string' ? MARK + k : undefined;
      },
      has: (_t, k) => {
        seen.push(k);
        return true;
      },
      ownKeys: (t) => {
        seen.push('ownKeys');
        return Reflect.ownKeys(t);
      },
    },
  );
}

export function hasTagFn(def: MetricDefinition): boolean {
  const flag = (def as MetricDefinition & Flags).hasTagValues;
  if (typeof flag === 'boolean') return flag;
  const seen: PropertyKey[] = [];
  try {
    const values = def.tagValuesOf(recorder(seen));
    if (values === undefined || values.length !== def.tags.length) return true;
    for (let i = 0; i < def.tags.length; i++) if (values[i] !== MARK + def.tags[i] || seen[i] !== def.tags[i]) return true;
    return seen.length !== def.tags.length;
  } catch {
    return true;
  }
}

export function hasFilter(def: MetricDefinition): boolean {
  const flag = (def as MetricDefinition & Flags).filtered;
  if (typeof flag === 'boolean') return flag;
  // Several calls: a sampling predicate (Math.random() < p) says false at least once.
  for (let i = 0; i < 8; i++) {
    const seen: PropertyKey[] = [];
    try {
      if (def.accepts(recorder(seen) as Record<string, number>, recorder(seen)) !== true || seen.length !== 0) return true;
    } catch {
      return true;
    }
  }
  return false;
}
