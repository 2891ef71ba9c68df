import { tagString } from '@rx-telemetry/core';

// One Map per tag; the last level holds series ids, so the record path reads no series object.
type Level = Map<string, Level | number>;
export type TagSource = Readonly<Record<string, unknown>>;
export type Find = (source: TagSource) => number | undefined;

/** What a record path calls to find a series id: `find` may be replaced (read it per record). */
export interface Lookup {
  readonly find: Find;
}

// Insertions between two looks at the tag order: at least this many, and at least as many as
// the series held at the last look (so the looks cost O(1) per insertion, amortised).
const FIRST_LOOK = 64;

/**
 * A metric's series ids by tag values (one or more tags): one Map level per tag, the tag with the
 * fewest distinct values first. Why that order: a level's Map object and table are one more
 * dependent cache miss per record when the levels above it are many (one per value); with few
 * values first, the upper levels stay in cache and only the last one misses. Paired at 10,000
 * series (2,500 routes x 4 statuses, hit at random): status first took 0.72–0.76x the lookup time
 * of route first. The order is looked at again as insertions double (amortised O(1)) and the
 * levels rebuilt when it changes.
 *
 * `find` is the record path's lookup, made per metric and per order with `new Function` (see
 * record-path.ts for why, measured): each tag is read with its key as a constant property name
 * (`src["route"]`, its own inline cache), no key string, no loop. Levels left empty by `delete`
 * are removed, so a store whose tag values churn holds only what is live.
 */
export class TagIndex implements Lookup {
  #root: Level = new Map();
  /** Tag positions, in the order of the levels. */
  #order: number[];
  #inserted = 0;
  #lookAt = FIRST_LOOK;
  find: Find;

  constructor(
    readonly tags: readonly string[],
    /** What `find` returns for tag values it does not hold (the slow path: it creates the series). */
    readonly miss: Find,
  ) {
    this.#order = tags.map((_, i) => i);
    this.find = this.#finder();
  }

  #finder(): Find {
    const last = this.#order.length - 1;
    const lines = this.#order.map((p, i) => {
      const read = `const a${i} = src[${JSON.stringify(this.tags[p])}]; const k${i} = typeof a${i} === 'string' ? a${i} : tagString(a${i});`;
      const from = i === 0 ? 'root' : `l${i}`;
      if (i === last) return `${read} const id = ${from}.get(k${i}); return id === undefined ? miss(src) : id;`;
      return `${read} const l${i + 1} = ${from}.get(k${i}); if (l${i + 1} === undefined) return miss(src);`;
    });
    let make: (root: Level, str: typeof tagString, m: Find) => Find;
    try {
      make = new Function('root', 'tagString', 'miss', `"use strict"; return function find(src) { ${lines.join(' ')} };`) as typeof make;
    } catch {
      return this.#loop();
    }
    return make(this.#root, tagString, this.miss);
  }

  // Where code generation from strings is disallowed (a CSP): the same lookup as a loop.
  #loop(): Find {
    const root = this.#root;
    const keys = this.#order.map((p) => this.tags[p]);
    const miss = this.miss;
    return (src) => {
      let level: Level | number | undefined = root;
      for (const key of keys) {
        const raw = src[key];
        level = (level as Level).get(typeof raw === 'string' ? raw : (tagString(raw) as string));
        if (level === undefined) return miss(src);
      }
      return level as number;
    };
  }

  /** The id of `values` (in tag order), if held. */
  get(values: readonly string[]): number | undefined {
    let level: Level | number | undefined = this.#root;
    for (const p of this.#order) {
      if (typeof level !== 'object') return undefined;
      level = level.get(values[p]);
    }
    return typeof level === 'number' ? level : undefined;
  }

  /** Holds `values` (in tag order) as series `id`. */
  set(values: readonly string[], id: number): void {
    this.#put(this.#root, values, id);
    if (++this.#inserted >= this.#lookAt && this.tags.length > 1) this.#look();
  }

  #put(root: Level, values: readonly string[], id: number): void {
    let level = root;
    const last = this.#order.length - 1;
    for (let i = 0; i < last; i++) {
      const v = values[this.#order[i]];
      let next = level.get(v) as Level | undefined;
      if (next === undefined) level.set(v, (next = new Map()));
      level = next;
    }
    level.set(values[this.#order[last]], id);
  }

  /** Removes `values`, and every level it leaves empty. */
  delete(values: readonly string[]): void {
    const path: Level[] = [this.#root];
    const n = this.#order.length;
    for (let i = 0; i < n - 1; i++) {
      const next = path[i].get(values[this.#order[i]]);
      if (typeof next !== 'object') return;
      path.push(next);
    }
    for (let i = n - 1; i >= 0; i--) {
      path[i].delete(values[this.#order[i]]);
      if (path[i].size !== 0) return;
    }
  }

  // Counts each tag's distinct values over the series held; rebuilds the levels (and `find`)
  // when fewest-first gives another order.
  #look(): void {
    const held: [string[], number][] = [];
    const walk = (level: Level, depth: number, path: string[]): void => {
      for (const [k, v] of level) {
        path[this.#order[depth]] = k;
        if (typeof v === 'number') held.push([path.slice(), v]);
        else walk(v, depth + 1, path);
      }
    };
    walk(this.#root, 0, new Array<string>(this.tags.length));
    this.#inserted = 0;
    this.#lookAt = Math.max(FIRST_LOOK, held.length);
    const distinct = this.tags.map((_, p) => new Set(held.map(([values]) => values[p])).size);
    const order = this.tags.map((_, p) => p).sort((a, b) => distinct[a] - distinct[b] || a - b);
    // Only for a clear gain (twice fewer values where the orders first differ): no flip-flop.
    const at = order.findIndex((p, i) => p !== this.#order[i]);
    if (at < 0 || distinct[this.#order[at]] <= 2 * distinct[order[at]]) return;
    this.#order = order;
    this.#root = new Map();
    for (const [values, id] of held) this.#put(this.#root, values, id);
    this.find = this.#finder();
  }
}
