import { conversionFactor, type Unit } from '@rx-telemetry/core';
import type { CollectedMetric } from '@rx-telemetry/hdr';
import { escapeHelp, formatNumber, wellFormed } from './escape.js';
import { labelName, metricName, unitSuffix, withSuffix } from './names.js';
import { baseUnit } from './units.js';

export type PromType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** Everything about one metric's exposition that does not change between scrapes. */
export interface Family {
  readonly metric: CollectedMetric;
  readonly type: PromType;
  /** Family name (OpenMetrics: without `_total`). */
  readonly name: string;
  /** Name of the main sample: `name_total` for counters, else `name`. */
  readonly sample: string;
  /** Multiplier into the base unit (seconds, bytes). */
  readonly conv: number;
  /** The exact integer divisor when `conv` is a down-conversion (1/1000 for ms -> s), else 0. */
  readonly div: number;
  readonly textHeader: string;
  readonly omHeader: string;
  /** Label names in tag order. */
  readonly labels: readonly string[];
  /** `le="…"` per bucket bound. */
  readonly le: readonly string[];
  /** Every name this family takes in an exposition: family names (both formats) and sample names. */
  readonly names: readonly string[];
}

export const QUANTILE_LABELS = ['0.5', '0.9', '0.95', '0.99', '0.999'] as const;

/** The names a family of `type` called `name` takes: its family names and every sample name (OpenMetrics' `_created` included). */
export function familyNames(type: PromType, name: string): string[] {
  switch (type) {
    case 'counter':
      return [name, `${name}_total`, `${name}_created`];
    case 'gauge':
      return [name];
    case 'histogram':
      return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`, `${name}_created`];
    case 'summary':
      return [name, `${name}_sum`, `${name}_count`, `${name}_created`];
  }
}

/** Builds a metric's family; throws a TypeError when its names cannot be made valid and distinct. */
export function family(metric: CollectedMetric, prefix: string, reserved: ReadonlySet<string>): Family {
  const def = metric.definition;
  const promType = def.reporterOptions.prometheusType;
  if (promType !== undefined && promType !== 'gauge' && promType !== 'counter') {
    throw new TypeError(`metric ${JSON.stringify(def.name)}: reporterOptions.prometheusType must be 'gauge' or 'counter'`);
  }
  const type: PromType =
    def.type === 'counter' ? 'counter'
    : def.type === 'sum' ? (promType === 'gauge' ? 'gauge' : 'counter')
    : def.type === 'lastValue' ? 'gauge'
    : def.type === 'summary' ? 'summary'
    : 'histogram';
  // A counter's `_total` comes last, after the unit (`…_seconds_total`): one the name already ends
  // with is taken off before the unit is added, so `busy.total` in ms is `busy_seconds_total`.
  let name = metricName(prefix + def.name);
  if (type === 'counter' && name.endsWith('_total')) name = name.slice(0, -'_total'.length);
  name = withSuffix(name, def.type === 'counter' ? '' : unitSuffix(def.unit));
  const sample = type === 'counter' ? `${name}_total` : name;
  const conv = def.unit === undefined || def.type === 'counter' ? 1 : conversionFactor(def.unit, baseUnit(def.unit));
  // Down to the base unit divides by the exact integer the other way round (ms -> s: / 1000).
  const div = conv < 1 ? conversionFactor(baseUnit(def.unit as Unit), def.unit as Unit) : 0;
  const labels = def.tags.map(labelName);
  const seen = new Set<string>();
  for (const l of labels) {
    if (seen.has(l)) throw new TypeError(`metric ${JSON.stringify(def.name)}: two tags map to the Prometheus label ${JSON.stringify(l)}`);
    if (reserved.has(l) || (type === 'histogram' && l === 'le') || (type === 'summary' && l === 'quantile')) {
      throw new TypeError(`metric ${JSON.stringify(def.name)}: tag ${JSON.stringify(l)} clashes with a reserved Prometheus label`);
    }
    // The overflow series is labelled overflow="true": a tag that becomes that label would give
    // a real series the overflow series' labels.
    if (l === 'overflow') throw new TypeError(`metric ${JSON.stringify(def.name)}: a tag becomes the label "overflow", which labels the overflow series`);
    seen.add(l);
  }
  const unit = def.unit === undefined || def.type === 'counter' ? undefined : baseUnit(def.unit) === 'second' ? 'seconds' : 'bytes';
  const help = wellFormed(def.description ?? `${def.name} (${def.type}${unit === undefined ? '' : `, ${unit}`})`);
  const textHeader = `# HELP ${sample} ${escapeHelp(help, false)}\n# TYPE ${sample} ${type}\n`;
  const omUnit = unit !== undefined && name.endsWith(`_${unit}`) ? `# UNIT ${name} ${unit}\n` : '';
  const omHeader = `# TYPE ${name} ${type}\n${omUnit}# HELP ${name} ${escapeHelp(help, true)}\n`;
  if (type === 'histogram' && metric.buckets === undefined) {
    throw new TypeError(
      `metric ${JSON.stringify(def.name)}: a distribution needs bucket bounds for Prometheus: give it reporterOptions.buckets, or create the Aggregator with { defaultBuckets } from @rx-telemetry/prometheus`,
    );
  }
  const le = (metric.buckets ?? []).map((b) => `le="${formatNumber(Number((div !== 0 ? b / div : b * conv).toPrecision(15)))}"} `);
  return { metric, type, name, sample, conv, div, textHeader, omHeader, labels, le, names: familyNames(type, name) };
}

/** A value in the metric's unit, in the base unit (division by an exact integer when shrinking, as the core converts). */
export function toBase(f: Family, v: number): number {
  return f.conv === 1 ? v : f.div !== 0 ? v / f.div : v * f.conv;
}
