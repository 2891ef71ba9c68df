import type { Measurements, Metadata } from '../event-name.js';
import { specOf, type EventPredicate, type MeasurementFn, type MetricDefinition } from './definition.js';
import { codeGeneration } from '../codegen.js';
import { specialise, type SpecialisedReader } from './specialised.js';
import { exactDivisor } from './unit.js';

/** Told the first time an event lacks a definition's measurement key. */
export type MissingMeasurement = (reader: MetricReader, measurements: Measurements) => void;

/** The single rule that turns a tag value into a label string: strings as they are, null/undefined missing, anything else `String()`. */
export function tagString(raw: unknown): string | undefined {
  return typeof raw === 'string' ? raw : raw === undefined || raw === null ? undefined : String(raw);
}

/**
 * A metric definition compiled once: every reporter reads values and tags through it, so the
 * unit conversion and the skip rules live here and nowhere else. One class (monomorphic call
 * sites): on a record path, `accepts` and `value` inline to a few property reads.
 *
 * ```ts
 * const reader = compileMetric(distribution('db.query.stop.duration', { tags: ['table'], unit: { from: 'nanosecond', to: 'millisecond' } }));
 * reader.value({ duration: 1_000_123 }, {}); // 1.000123
 * reader.tagValues({ table: 'users' });       // ['users']
 * ```
 */
export class MetricReader {
  readonly definition: MetricDefinition;
  readonly #key: string | undefined;
  readonly #measure: MeasurementFn | undefined;
  readonly #keep: EventPredicate | undefined;
  readonly #tagValues: ((metadata: Metadata) => Readonly<Record<string, unknown>>) | undefined;
  readonly #counter: boolean;
  readonly #scale: number;
  // A down-conversion divides by the exact integer (1000123 ns -> 1.000123 ms, where * 1e-6
  // gives 1.0001229999999999); 0 when the factor is not 1/n.
  readonly #divisor: number;
  readonly #tags: readonly string[];
  #onMissing: MissingMeasurement | undefined;
  #specialised: SpecialisedReader | undefined = undefined;

  constructor(definition: MetricDefinition, onMissing?: MissingMeasurement) {
    const spec = specOf(definition);
    this.definition = definition;
    this.#key = definition.measurement;
    this.#measure = spec.measure;
    this.#keep = spec.keep;
    this.#tagValues = spec.tagValues;
    this.#counter = definition.type === 'counter';
    this.#scale = spec.scale;
    this.#divisor = exactDivisor(spec.scale);
    this.#tags = definition.tags;
    this.#onMissing = onMissing;
  }

  /** False when the definition's `keep`/`drop` filters this event out. */
  accepts(measurements: Measurements, metadata: Metadata): boolean {
    return this.#keep === undefined || this.#keep(metadata, measurements) === true;
  }

  /** The value in the metric's unit; 1 for counters; `undefined` when missing or not finite (skip it). */
  value(measurements: Measurements, metadata: Metadata): number | undefined {
    if (this.#counter) return 1;
    const k = this.#key;
    const raw: unknown = k !== undefined ? measurements[k] : (this.#measure as MeasurementFn)(measurements, metadata);
    // v - v is 0 only for finite numbers.
    if (typeof raw !== 'number' || raw - raw !== 0) {
      if (raw === undefined && k !== undefined && this.#onMissing !== undefined) this.#missing(measurements);
      return undefined;
    }
    if (this.#scale === 1) return raw;
    return this.#divisor !== 0 ? raw / this.#divisor : raw * this.#scale;
  }

  /** Where tags are read from: the metadata itself, or what the definition's `tagValues` made of it. */
  tagSource(metadata: Metadata): Readonly<Record<string, unknown>> {
    return this.#tagValues === undefined ? metadata : this.#tagValues(metadata);
  }

  /**
   * `accepts`, `value` and `tagSource` made for this definition alone, for a record path made per
   * metric: same results as the methods, but each has its own inline caches (see specialised.ts,
   * measured there). Made once per reader.
   */
  specialised(): SpecialisedReader {
    return (this.#specialised ??= this.#specialise());
  }

  #specialise(): SpecialisedReader {
    // Where code generation from strings is disallowed (a CSP, --disallow-code-generation-from-strings):
    // the methods themselves, correct, with their shared feedback.
    if (!codeGeneration()) {
      return { accepts: this.#keep === undefined ? undefined : (m, md) => this.accepts(m, md), value: (m, md) => this.value(m, md), tagSource: this.#tagValues };
    }
    return specialise({
      counter: this.#counter,
      key: this.#key,
      measure: this.#measure,
      keep: this.#keep,
      tagValues: this.#tagValues,
      scale: this.#scale,
      divisor: this.#divisor,
      missing: (m) => {
        if (this.#onMissing !== undefined) this.#missing(m);
      },
    });
  }

  /** Tag values as strings in `definition.tags` order; `undefined` when one is missing (skip the event). */
  tagValues(metadata: Metadata): string[] | undefined {
    const source = this.tagSource(metadata);
    const tags = this.#tags;
    const out = new Array<string>(tags.length);
    for (let i = 0; i < tags.length; i++) {
      const v = tagString(source[tags[i]]);
      if (v === undefined) return undefined;
      out[i] = v;
    }
    return out;
  }

  /** Tag values as a `{ tag: value }` object, or `undefined` when one is missing. */
  tagObject(metadata: Metadata): Record<string, string> | undefined {
    const values = this.tagValues(metadata);
    if (values === undefined) return undefined;
    const out: Record<string, string> = {};
    for (let i = 0; i < values.length; i++) out[this.#tags[i]] = values[i];
    return out;
  }

  #missing(measurements: Measurements): void {
    const report = this.#onMissing as MissingMeasurement;
    // Once per definition: the wiring mistake is reported, the hot path is not taxed again.
    this.#onMissing = undefined;
    report(this, measurements);
  }
}

/** Compiles one definition. Pass `onMissing` to learn the first time an event lacks its measurement key. */
export function compileMetric(definition: MetricDefinition, onMissing?: MissingMeasurement): MetricReader {
  return new MetricReader(definition, onMissing);
}
