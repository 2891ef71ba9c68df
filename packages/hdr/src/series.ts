import type { CollectedSeries } from './collect.js';

/**
 * One series (tag set) of a metric as `collect()` hands it out: the same object for as long as the
 * series lives. Its counts live in the metric's store under `id`; the record path never touches
 * this object.
 */
export class Series implements CollectedSeries {
  constructor(
    readonly tags: Readonly<Record<string, string>>,
    /** Index into the metric's store; reused after the series is removed. */
    readonly id: number,
    /** Tag values in tag order; undefined for the overflow series (never removed). */
    readonly values: readonly string[] | undefined,
    /** When the series was created (ms since the Unix epoch). */
    readonly created: number,
    /** The window epoch it was created in: counts as its first update. */
    readonly born: number,
  ) {}
}

/** counter, sum and lastValue series of one metric: per series id, its value and the epoch of its last update. */
export class ValueStore {
  /** Per series: value, epoch of the last record (one cache line for both). */
  values = new Float64Array(16);

  init(id: number, epoch: number): void {
    if (2 * id + 1 >= this.values.length) {
      const grown = new Float64Array(Math.max(this.values.length * 2, 2 * id + 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[2 * id] = 0;
    this.values[2 * id + 1] = epoch;
  }

  value(id: number): number {
    return this.values[2 * id];
  }

  lastEpoch(id: number): number {
    return this.values[2 * id + 1];
  }
}
