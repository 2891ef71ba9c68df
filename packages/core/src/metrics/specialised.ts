import type { Measurements, Metadata } from '../event-name.js';
import type { EventPredicate, MeasurementFn } from './definition.js';

/**
 * A MetricReader's `accepts`, `value` and `tagSource` as functions made for one definition
 * (`MetricReader.specialised()`): same results as the methods, for record paths that are
 * themselves made per metric.
 */
export interface SpecialisedReader {
  /** undefined: every event is accepted (no keep/drop), so a record path need not call anything. */
  readonly accepts: ((measurements: Measurements, metadata: Metadata) => boolean) | undefined;
  /** The value in the metric's unit (1 for counters), undefined when missing or not finite. */
  readonly value: (measurements: Measurements, metadata: Metadata) => number | undefined;
  /** undefined: tags are read from the metadata itself; else the definition's `tagValues`. */
  readonly tagSource: ((metadata: Metadata) => Readonly<Record<string, unknown>>) | undefined;
}

/** What reader.ts hands over: the definition's evaluation rules. */
export interface SpecialiseParts {
  readonly counter: boolean;
  readonly key: string | undefined;
  readonly measure: MeasurementFn | undefined;
  readonly keep: EventPredicate | undefined;
  readonly tagValues: ((metadata: Metadata) => Readonly<Record<string, unknown>>) | undefined;
  readonly scale: number;
  readonly divisor: number;
  /** Called when the measurement key is missing (the reader reports it once). */
  readonly missing: (measurements: Measurements) => void;
}

/**
 * Why `new Function`: V8 keeps inline-cache feedback per function literal, shared by every
 * closure of it. The class methods (and any closure made per metric from one literal) read
 * `measurements[key]` through one feedback slot for every metric of the process, which goes
 * megamorphic in an application (many metrics, many measurement shapes): paired in the realistic
 * bench process, the distribution record cost ~84 ns that way against ~60 ns in a clean one. Each
 * function made here is its own literal: the key is a constant property name (`m["duration"]`)
 * with its own feedback, monomorphic for the event's measurements. Only constants produced here
 * (JSON-quoted keys, numbers' exact round-trip text) go into the source.
 */
export function specialise(p: SpecialiseParts): SpecialisedReader {
  const accepts =
    p.keep === undefined
      ? undefined
      : (new Function('keep', '"use strict"; return function accepts(m, md) { return keep(md, m) === true; };') as (keep: EventPredicate) => SpecialisedReader['accepts'])(p.keep);
  let body: string;
  if (p.counter) body = 'return 1;';
  else {
    const read = p.key !== undefined ? `m[${JSON.stringify(p.key)}]` : 'measure(m, md)';
    // v - v is 0 only for finite numbers (as MetricReader.value).
    const miss = p.key !== undefined ? 'if (raw === undefined) missing(m); ' : '';
    const scaled = p.scale === 1 ? 'raw' : p.divisor !== 0 ? `raw / ${String(p.divisor)}` : `raw * ${String(p.scale)}`;
    body = `const raw = ${read}; if (typeof raw !== 'number' || raw - raw !== 0) { ${miss}return undefined; } return ${scaled};`;
  }
  const value = (new Function('measure', 'missing', `"use strict"; return function value(m, md) { ${body} };`) as (
    measure: MeasurementFn | undefined,
    missing: (m: Measurements) => void,
  ) => SpecialisedReader['value'])(p.measure, p.missing);
  return { accepts, value, tagSource: p.tagValues };
}
