import { describe, type EventName, type Measurements, type Metadata } from '../event-name.js';
import { isEventName } from '../event-limits.js';
import { conversionFactor, isUnit, UNITS, type Unit, type UnitOption } from './unit.js';

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

/**
 * A metric definition: which event feeds it, how a value and tags come out of each emission,
 * and what kind of metric it is. Built by `counter`, `sum`, `lastValue`, `summary`,
 * `distribution`; plain data. Reporters evaluate it through a `MetricReader` (`attachMetrics`,
 * `compileMetric`), so every conversion and skip rule lives in one file (reader.ts).
 */
export interface MetricDefinition {
  readonly type: MetricType;
  /** The full dotted name, e.g. `'compute.kernel.dispatch.stop.duration'`. */
  readonly name: string;
  readonly eventName: EventName;
  /** The measurement key, or `undefined` when a function extracts it (and for counters without one). */
  readonly measurement: string | undefined;
  readonly tags: readonly string[];
  /** The unit values are reported in (after conversion), if any. */
  readonly unit: Unit | undefined;
  readonly description: string | undefined;
  readonly reporterOptions: Readonly<Record<string, unknown>>;
}

/** How a definition is evaluated; read only by reader.ts. */
export interface DefinitionSpec {
  readonly measure: MeasurementFn | undefined;
  readonly keep: EventPredicate | undefined;
  readonly tagValues: ((metadata: Metadata) => Readonly<Record<string, unknown>>) | undefined;
  /** Multiplier from the measurement's unit to the metric's (1 without conversion). */
  readonly scale: number;
}

const specs = new WeakMap<MetricDefinition, DefinitionSpec>();

/** True for a definition built by this package's `counter()`, `sum()`, … */
export function isMetricDefinition(value: unknown): value is MetricDefinition {
  return typeof value === 'object' && value !== null && specs.has(value as MetricDefinition);
}

/** The evaluation spec of a definition built here (reader.ts only). */
export function specOf(definition: MetricDefinition): DefinitionSpec {
  const spec = specs.get(definition);
  if (spec === undefined) throw new TypeError('not a metric definition: build it with counter(), sum(), lastValue(), summary() or distribution()');
  return spec;
}

const KNOWN_OPTIONS = new Set(['eventName', 'measurement', 'tags', 'tagValues', 'keep', 'drop', 'unit', 'description', 'reporterOptions']);

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
  // A tag is a property of plain objects downstream (labels, series keys): '__proto__' would
  // silently become the object's prototype and vanish.
  if (tags.includes('__proto__')) fail(type, name, "'__proto__' cannot be a tag name");
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

  const definition: MetricDefinition = Object.freeze({
    type,
    name,
    eventName,
    measurement: typeof measurement === 'string' && measurement.length !== 0 ? measurement : undefined,
    tags: Object.freeze([...tags]),
    unit,
    description: options.description,
    reporterOptions: Object.freeze({ ...reporterOptions }),
  });
  specs.set(definition, Object.freeze({ measure: typeof measurement === 'function' ? measurement : undefined, keep, tagValues: options.tagValues, scale }));
  return definition;
}
