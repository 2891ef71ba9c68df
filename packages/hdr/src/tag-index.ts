import { tagString } from '@rx-telemetry/core';

// One Map per tag; the last level holds series ids, so the record path reads no series object.
type Level = Map<string, Level | number>;
export type TagSource = Readonly<Record<string, unknown>>;

/**
 * A metric's series ids by tag values (one or more tags). `finder` is the record path's lookup,
 * made per metric with `new Function` (see record-path.ts for why, measured): each tag is read
 * with its key as a constant property name (`src["route"]`, its own inline cache), no key
 * string, no loop. Levels left empty by `delete` are removed, so a store whose tag values churn
 * holds only what is live.
 */
export class TagIndex {
  readonly #root: Level = new Map();

  constructor(readonly tags: readonly string[]) {}

  /** The record path's lookup: the id of the source's tag values, else what `miss` returns. */
  finder(miss: (source: TagSource) => number | undefined): (source: TagSource) => number | undefined {
    const last = this.tags.length - 1;
    const lines = this.tags.map((t, i) => {
      const read = `const a${i} = src[${JSON.stringify(t)}]; const k${i} = typeof a${i} === 'string' ? a${i} : tagString(a${i});`;
      const from = i === 0 ? 'root' : `l${i}`;
      if (i === last) return `${read} const id = ${from}.get(k${i}); return id === undefined ? miss(src) : id;`;
      return `${read} const l${i + 1} = ${from}.get(k${i}); if (l${i + 1} === undefined) return miss(src);`;
    });
    const make = new Function('root', 'tagString', 'miss', `"use strict"; return function find(src) { ${lines.join(' ')} };`) as (
      root: Level,
      str: typeof tagString,
      m: typeof miss,
    ) => (source: TagSource) => number | undefined;
    return make(this.#root, tagString, miss);
  }

  /** The id of `values` (in tag order), if held. */
  get(values: readonly string[]): number | undefined {
    let level: Level | number | undefined = this.#root;
    for (const v of values) {
      if (typeof level !== 'object') return undefined;
      level = level.get(v);
    }
    return typeof level === 'number' ? level : undefined;
  }

  set(values: readonly string[], id: number): void {
    let level = this.#root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = level.get(values[i]) as Level | undefined;
      if (next === undefined) level.set(values[i], (next = new Map()));
      level = next;
    }
    level.set(values[last], id);
  }

  /** Removes `values`, and every level it leaves empty. */
  delete(values: readonly string[]): void {
    const path: Level[] = [this.#root];
    for (let i = 0; i < values.length - 1; i++) {
      const next = path[i].get(values[i]);
      if (typeof next !== 'object') return;
      path.push(next);
    }
    for (let i = values.length - 1; i >= 0; i--) {
      path[i].delete(values[i]);
      if (path[i].size !== 0) return;
    }
  }
}
