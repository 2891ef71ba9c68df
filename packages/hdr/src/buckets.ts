import type { MetricDefinition, Unit } from '@rx-telemetry/core';
import { MAX_INTERNAL, type Layout } from './layout.js';

/** The most bucket bounds one distribution may have (each costs 8 B per series, and a lookup entry). */
export const MAX_BUCKET_BOUNDS = 10_000;

/** Bounds for a distribution that has no `reporterOptions.buckets` (see AggregatorOptions.defaultBuckets). */
export type DefaultBuckets = (unit: Unit | undefined, definition: MetricDefinition) => readonly number[] | undefined;

function checked(def: MetricDefinition, raw: unknown, where: string): readonly number[] {
  const name = JSON.stringify(def.name);
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((b) => typeof b !== 'number' || !Number.isFinite(b))) {
    throw new TypeError(`metric ${name}: ${where} must be a non-empty array of finite numbers`);
  }
  if (raw.length > MAX_BUCKET_BOUNDS) throw new TypeError(`metric ${name}: ${where} has ${raw.length} bounds; at most ${MAX_BUCKET_BOUNDS} are allowed`);
  for (let i = 1; i < raw.length; i++) {
    if (!((raw[i] as number) > (raw[i - 1] as number))) throw new TypeError(`metric ${name}: ${where} must be strictly increasing`);
  }
  return Object.freeze([...(raw as number[])]);
}

/**
 * A distribution's bucket bounds, validated: `reporterOptions.buckets`, else what `defaults`
 * gives, else none (no bucket counts). Other metric types have none.
 */
export function bucketBounds(def: MetricDefinition, defaults: DefaultBuckets | undefined): readonly number[] | undefined {
  if (def.type !== 'distribution') return undefined;
  const own = def.reporterOptions.buckets;
  if (own !== undefined) return checked(def, own, 'reporterOptions.buckets');
  if (defaults === undefined) return undefined;
  const given = defaults(def.unit, def);
  return given === undefined ? undefined : checked(def, given, 'defaultBuckets()');
}

/**
 * Finds a value's bucket in O(1): `bucketOf[i]` is the first bound at or above every value of
 * counts index `i`; a bound's own index holds values on both sides of it, so there the value is
 * compared with the bounds themselves.
 */
export class BucketIndex {
  // `declare`d: see HistogramStore (find() is on the record path).
  declare readonly bounds: readonly number[];
  declare readonly bucketOf: Uint8Array | Uint16Array;
  /** Counts index of each bound (-1: below every value). */
  declare readonly boundIndex: Int32Array;

  constructor(bounds: readonly number[], layout: Layout, factor: number) {
    this.bounds = bounds;
    const size = layout.chunks * layout.half;
    // Entries run 0..bounds.length: Uint8 up to 254 bounds, Uint16 up to MAX_BUCKET_BOUNDS.
    this.bucketOf = bounds.length < 255 ? new Uint8Array(size) : new Uint16Array(size);
    this.boundIndex = new Int32Array(bounds.length);
    for (let j = 0; j < bounds.length; j++) {
      const b = bounds[j];
      this.boundIndex[j] = b < 0 ? -1 : layout.index(Math.min(Math.round(b * factor), MAX_INTERNAL));
    }
    let j = 0;
    for (let i = 0; i < size; i++) {
      while (j < this.boundIndex.length && this.boundIndex[j] < i) j++;
      this.bucketOf[i] = j;
    }
  }

  /** The bucket (0..bounds.length, the last above every bound) of value `v` whose counts index is `i`. */
  find(v: number, i: number): number {
    let j = this.bucketOf[i];
    const boundIndex = this.boundIndex;
    if (j < boundIndex.length && boundIndex[j] === i) {
      const bounds = this.bounds;
      while (j < bounds.length && boundIndex[j] === i && v > bounds[j]) j++;
    }
    return j;
  }
}
