import { describe, isEventName, type EventName, type Measurements, type Metadata } from '../event-name.js';
import { conversionFactor, exactDivisor, isUnit, UNITS, type Unit, type UnitOption } from './unit.js';

export type MetricType = 'counter' | 'sum' | 'lastValue' | 'summary' | 'distribution';

export type MeasurementFn = (measurements: Measurements, metadata: Metadata) => number;
export type EventPredicate = (metadata: Metadata, measurements: Measurements) => boolean;

export interface MetricOptions {
  /** The event; by default the name without its last segment. */
  readonly eventName?: EventName;
  /** A measurement key or a function; by default the name's last segment. */
  readonly measurement?: string | MeasurementFn;
  /** Metadata keys that become tags (labels). */
  readonly tags?: readonly string[];
  /** Rewrites metadata before the tags are read from it. */
  readonly tagValues?: (metadata: Metadata) => Readonly<Record<string, unknown>>;
  /** Only events for which this is true count. Exclusive with `drop`. */
  readonly keep?: EventPredicate;
  /** Events for which this is true are ignored. Exclusive with `keep`. */
  readonly drop?: EventPredicate;
  readonly unit?: UnitOption;
  readonly description?: string;
  /** Free-form options for one reporter, e.g. `{ buckets: [...] }` or `{ prometheusType: 'gauge' }`. */
  readonly reporterOptions?: Readonly<Record<string, unknown>>;
}

/** One extracted data point. */
export interface DataPoint {
  readonly value: number;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * A metric definition: which event feeds it, how a value and tags come out of each emission,
 * and what kind of metric it is. Built by `counter`, `sum`, `lastValue`, `summary`,
 * `distribution`; reporters read it and attach to `eventName`.
 */
export interface MetricDefinition {
  readonly type: MetricType;
  /** The full dotted name, e.g. `'compute.kernel.dispatch.stop.duration'`. */
  readonly name: string;
  readonly eventName: EventName;
  /** The measurement key, or `undefined` when a function extracts it. */
  readonly measurement: string | undefined;
  readonly tags: readonly string[];
  /** The unit values are reported in (after conversion), if any. */
  readonly unit: Unit | undefined;
  readonly description: string | undefined;
  readonly reporterOptions: Readonly<Record<string, unknown>>;
  /** Multiplier applied to raw measurements (1 without conversion). */
  readonly scale: number;
  /** `exactDivisor(scale)`: divide by this instead of multiplying by `scale` when it is not 0. */
  readonly divisor: number;
  /** True when `keep` or `drop` was given (`accepts()` may return false). */
  readonly filtered: boolean;
  /** True when `tagValues` was given (`tagValuesOf()` calls it). */
  readonly hasTagValues: boolean;
  /** False when `keep`/`drop` filters this event out. */
  accepts(measurements: Measurements, metadata: Metadata): boolean;
  /** The converted value; `undefined` when missing or not finite. Counters always yield 1. */
  valueOf(measurements: Measurements, metadata: Metadata): number | undefined;
  /** Tag values as strings, in `tags` order; `undefined` when one is missing. */
  tagValuesOf(metadata: Metadata): string[] | undefined;
  /** Filter, value and tags together; `undefined` when the event is filtered or incomplete. */
  extract(measurements: Measurements, metadata: Metadata): DataPoint | undefined;
}

const KNOWN_OPTIONS = new Set(['eventName', 'measurement', 'tags', 'tagValues', 'keep', 'drop', 'unit', 'description', 'reporterOptions']);

class Definition implements MetricDefinition {
  readonly measurement: string | undefined;
  readonly filtered: boolean;
  readonly hasTagValues: boolean;
  readonly divisor: number;
  readonly #measure: MeasurementFn | undefined;
  readonly #keep: EventPredicate | undefined;
  readonly #tagValues: ((metadata: Metadata) => Readonly<Record<string, unknown>>) | undefined;

  constructor(
    readonly type: MetricType,
    readonly name: string,
    readonly eventName: EventName,
    measurement: string | MeasurementFn,
    readonly tags: readonly string[],
    readonly unit: Unit | undefined,
    readonly scale: number,
    readonly description: string | undefined,
    readonly reporterOptions: Readonly<Record<string, unknown>>,
    keep: EventPredicate | undefined,
    tagValues: ((metadata: Metadata) => Readonly<Record<string, unknown>>) | undefined,
  ) {
    this.measurement = typeof measurement === 'string' && measurement.length !== 0 ? measurement : undefined;
    this.#measure = typeof measurement === 'function' ? measurement : undefined;
    this.#keep = keep;
    this.#tagValues = tagValues;
    this.filtered = keep !== undefined;
    this.hasTagValues = tagValues !== undefined;
    this.divisor = exactDivisor(scale);
    Object.freeze(this);
  }

  accepts(measurements: Measurements, metadata: Metadata): boolean {
    return this.#keep === undefined || this.#keep(metadata, measurements) === true;
  }

  valueOf(measurements: Measurements, metadata: Metadata): number | undefined {
    if (this.type === 'counter') return 1;
    const raw = this.#measure !== undefined ? this.#measure(measurements, metadata) : measurements[this.measurement as string];
    if (typeof raw !== 'number' || !Number.isFinite(raw)) return undefined;
    if (this.scale === 1) return raw;
    return this.divisor !== 0 ? raw / this.divisor : raw * this.scale;
  }

  tagValuesOf(metadata: Metadata): string[] | undefined {
    const source = this.#tagValues === undefined ? metadata : this.#tagValues(metadata);
    const out = new Array<string>(this.tags.length);
    for (let i = 0; i < this.tags.length; i++) {
      const v = source[this.tags[i]];
      if (v === undefined || v === null) return undefined;
      out[i] = typeof v === 'string' ? v : String(v);
    }
    return out;
  }

  extract(measurements: Measurements, metadata: Metadata): DataPoint | undefined {
    if (!this.accepts(measurements, metadata)) return undefined;
    const value = this.valueOf(measurements, metadata);
    if (value === undefined) return undefined;
    const values = this.tagValuesOf(metadata);
    if (values === undefined) return undefined;
    const tags: Record<string, string> = {};
    for (let i = 0; i < this.tags.length; i++) tags[this.tags[i]] = values[i];
    return { value, tags };
  }
}

function fail(type: MetricType, name: unknown, problem: string): never {
  throw new TypeError(`${type}(${describe(name)}): ${problem}`);
}

export function define(type: MetricType, name: string, options: MetricOptions = {}): MetricDefinition {
  if (typeof name !== 'string' || name.length === 0) fail(type, name, 'the name must be a non-empty string');
  const segments = name.split('.');
  if (segments.some((s) => s.length === 0)) fail(type, name, 'the name has an empty segment');
  if (options === null || typeof options !== 'object') fail(type, name, 'options must be an object');
  for (const key of Object.keys(options)) if (!KNOWN_OPTIONS.has(key)) fail(type, name, `unknown option ${JSON.stringify(key)}`);

  let eventName: EventName;
  if (options.eventName !== undefined) {
    if (!isEventName(options.eventName)) fail(type, name, 'eventName must be a non-empty array of non-empty strings');
    eventName = Object.freeze([...options.eventName]);
  } else {
    if (segments.length < 2) fail(type, name, "the name needs an event and a measurement, e.g. 'http.request.stop.duration'");
    eventName = Object.freeze(segments.slice(0, -1));
  }

  const measurement = options.measurement ?? (options.eventName !== undefined && type === 'counter' ? '' : segments[segments.length - 1]);
  if (typeof measurement === 'string' ? measurement.length === 0 && type !== 'counter' : typeof measurement !== 'function') {
    fail(type, name, 'measurement must be a non-empty string or a function');
  }

  const tags = options.tags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string' || t.length === 0)) {
    fail(type, name, 'tags must be an array of non-empty strings');
  }
  if (new Set(tags).size !== tags.length) fail(type, name, 'tags must not repeat');
  if (options.tagValues !== undefined && typeof options.tagValues !== 'function') fail(type, name, 'tagValues must be a function');

  if (options.keep !== undefined && options.drop !== undefined) fail(type, name, 'keep and drop are mutually exclusive');
  for (const key of ['keep', 'drop'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') fail(type, name, `${key} must be a function`);
  }
  const drop = options.drop;
  const keep: EventPredicate | undefined = options.keep ?? (drop === undefined ? undefined : (md, m) => drop(md, m) !== true);

  let unit: Unit | undefined;
  let scale = 1;
  const u = options.unit;
  if (u !== undefined) {
    if (typeof u === 'string') {
      if (!isUnit(u)) fail(type, name, `unknown unit ${JSON.stringify(u)}; known: ${UNITS.join(', ')}`);
      unit = u;
    } else if (u !== null && typeof u === 'object' && isUnit(u.from) && isUnit(u.to)) {
      try {
        scale = conversionFactor(u.from, u.to);
      } catch (err) {
        fail(type, name, (err as Error).message);
      }
      unit = u.to;
    } else {
      fail(type, name, `unit must be one of ${UNITS.join(', ')} or { from, to } of those`);
    }
  }

  if (options.description !== undefined && typeof options.description !== 'string') fail(type, name, 'description must be a string');
  const reporterOptions = options.reporterOptions ?? {};
  if (reporterOptions === null || typeof reporterOptions !== 'object' || Array.isArray(reporterOptions)) {
    fail(type, name, 'reporterOptions must be an object');
  }

  return new Definition(
    type,
    name,
    eventName,
    measurement,
    Object.freeze([...tags]),
    unit,
    scale,
    options.description,
    Object.freeze({ ...reporterOptions }),
    keep,
    options.tagValues,
  );
}
