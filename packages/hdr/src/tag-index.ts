import { tagString } from '@rx-telemetry/core';

// One Map per tag; the last level holds series ids, so the record path reads no series object.
type Level = Map<string, Level | number>;
export type TagSource = Readonly<Record<string, unknown>>;

/**
 * A metric's series ids by tag values (one or more tags). `finder` is the record path's lookup:
 * specialised by tag count, the tag keys become closure constants, so each read of the tag source
 * is a plain keyed load with a fixed key and no loop. Levels left empty by `delete` are removed,
 * so a store whose tag values churn holds only what is live.
 */
export class TagIndex {
  readonly #root: Level = new Map();

  constructor(readonly tags: readonly string[]) {}

  /** The record path's lookup: the id of the source's tag values, else what `miss` returns. */
  finder(miss: (source: TagSource) => number | undefined): (source: TagSource) => number | undefined {
    const root = this.#root;
    const tags = this.tags;
    if (tags.length === 1) {
      const t0 = tags[0];
      return (src) => {
        const a = src[t0];
        return (root.get(typeof a === 'string' ? a : (tagString(a) as string)) as number | undefined) ?? miss(src);
      };
    }
    if (tags.length === 2) {
      const t0 = tags[0];
      const t1 = tags[1];
      return (src) => {
        const a = src[t0];
        const level = root.get(typeof a === 'string' ? a : (tagString(a) as string)) as Level | undefined;
        if (level === undefined) return miss(src);
        const b = src[t1];
        return (level.get(typeof b === 'string' ? b : (tagString(b) as string)) as number | undefined) ?? miss(src);
      };
    }
    const last = tags.length - 1;
    return (src) => {
      let level: Level = root;
      for (let i = 0; i < last; i++) {
        const raw = src[tags[i]];
        const next = level.get(typeof raw === 'string' ? raw : (tagString(raw) as string));
        if (next === undefined) return miss(src);
        level = next as Level;
      }
      const raw = src[tags[last]];
      return (level.get(typeof raw === 'string' ? raw : (tagString(raw) as string)) as number | undefined) ?? miss(src);
    };
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
