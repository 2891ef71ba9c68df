import type { CollectedMetric, CollectedSeries } from '@rx-telemetry/hdr';
import type { Family } from './family.js';

interface MetricCache {
  /** `removedSeries` when this cache last matched the store. */
  removed: number;
  map: Map<CollectedSeries, readonly string[]>;
}

/**
 * Sample prefixes per series, built once and reused by every scrape. Bounded by what the store
 * holds: when a metric's `removedSeries` moved (idle series removed), the next read keeps only
 * the series it visits, so the cache of a store under label churn stays the size of what is live.
 * A Map, not a WeakMap: ephemeron tables of 10,000 entries slow down every major GC.
 */
export class PrefixCache {
  readonly #metrics = new Map<CollectedMetric, MetricCache>();
  #current: MetricCache | undefined = undefined;
  #kept: Map<CollectedSeries, readonly string[]> | undefined = undefined;

  constructor(readonly build: (s: CollectedSeries, f: Family) => readonly string[]) {}

  /** Before a metric's series (ends the previous metric's read). */
  begin(m: CollectedMetric): void {
    this.end();
    let c = this.#metrics.get(m);
    if (c === undefined) this.#metrics.set(m, (c = { removed: m.removedSeries, map: new Map() }));
    this.#current = c;
    if (m.removedSeries !== c.removed) {
      c.removed = m.removedSeries;
      this.#kept = new Map();
    }
  }

  get(s: CollectedSeries, f: Family): readonly string[] {
    const c = this.#current as MetricCache;
    let p = c.map.get(s);
    if (p === undefined) c.map.set(s, (p = this.build(s, f)));
    this.#kept?.set(s, p);
    return p;
  }

  /** After the last series of a read. */
  end(): void {
    if (this.#kept !== undefined && this.#current !== undefined) this.#current.map = this.#kept;
    this.#kept = undefined;
    this.#current = undefined;
  }

  /** Series cached now (for tests and sizing). */
  get size(): number {
    let n = 0;
    for (const c of this.#metrics.values()) n += c.map.size;
    return n;
  }
}
