import type { MetricDefinition } from '@rx-telemetry/core';
import type { StatsD } from 'hot-shots';
import type { Formatter } from './formatter.js';
import type { StatsdMetricOptions } from './options.js';
import { sanitizeName, sanitizeSegment } from './sanitize.js';
import { TagCache } from './tag-cache.js';

/** Sends one value with hot-shots; `tags` is undefined for the standard formatter. */
export type Send = (client: StatsD, name: string, value: number, rate: number, tags: string[] | undefined) => void;

/** A metric definition resolved once for one reporter: name, tag prefixes, rate and send function. */
export interface CompiledMetric {
  readonly definition: MetricDefinition;
  /** The sanitised name (without the reporter prefix, which hot-shots adds). */
  readonly base: string;
  /** `key:` per tag (DogStatsD/Telegraf; hot-shots turns `:` into `=` for Telegraf). */
  readonly tagPrefixes: readonly string[];
  readonly rate: number;
  readonly send: Send;
  /**
   * Set when the unit conversion shrinks values by a power of ten (ns → ms: 1e6) and the
   * measurement is a key: dividing gives the nearest double (1000123 / 1e6 = 1.000123) where
   * multiplying by 1e-6 gives 1.0001229999999999, ten more bytes per line on the wire.
   */
  readonly divisor: number | undefined;
  /** Tag values → standard name, or → DogStatsD/Telegraf tag list. */
  readonly names: TagCache<string>;
  readonly tagLists: TagCache<string[]>;
}

const increment: Send = (c, name, value, rate, tags) => c.increment(name, value, rate, tags);
const gaugeDelta: Send = (c, name, value, rate, tags) => c.gaugeDelta(name, value, rate, tags);
const gauge: Send = (c, name, value, rate, tags) => c.gauge(name, value, rate, tags);
const timing: Send = (c, name, value, rate, tags) => c.timing(name, value, rate, tags);
const histogram: Send = (c, name, value, rate, tags) => c.histogram(name, value, rate, tags);
const distribution: Send = (c, name, value, rate, tags) => c.distribution(name, value, rate, tags);

// Standard StatsD and Telegraf read a signed gauge value as a delta ("-5|g" subtracts 5), so a
// negative absolute value is sent as a reset to 0 plus a delta. Both lines must be sampled
// together, hence one random draw and no rate on the wire (servers ignore it for gauges).
const signedGauge: Send = (c, name, value, rate, tags) => {
  if (value >= 0) return c.gauge(name, value, rate, tags);
  if (rate < 1 && Math.random() >= rate) return;
  c.gauge(name, 0, 1, tags);
  c.gaugeDelta(name, value, 1, tags);
};

function sendFor(definition: MetricDefinition, formatter: Formatter): Send {
  const datadog = formatter === 'datadog';
  switch (definition.type) {
    case 'counter':
      return increment;
    case 'sum':
      return (definition.reporterOptions as StatsdMetricOptions).reportAs === 'gauge' ? gaugeDelta : increment;
    case 'lastValue':
      return datadog ? gauge : signedGauge;
    case 'summary':
      return datadog ? histogram : timing;
    case 'distribution':
      return datadog ? distribution : timing;
  }
}

export function compile(definition: MetricDefinition, formatter: Formatter, defaultRate: number): CompiledMetric {
  const rate = (definition.reporterOptions as StatsdMetricOptions).sampleRate ?? defaultRate;
  return {
    definition,
    base: sanitizeName(definition.name),
    tagPrefixes: definition.tags.map((t) => `${sanitizeName(t)}:`),
    rate,
    send: sendFor(definition, formatter),
    divisor: divisorOf(definition),
    names: new TagCache<string>(),
    tagLists: new TagCache<string[]>(),
  };
}

/** `.v1.v2` for the standard formatter's global tags, in key order. */
export function globalSuffix(globalTags: Readonly<Record<string, string>>): string {
  let s = '';
  for (const v of Object.values(globalTags)) s += `.${sanitizeSegment(v)}`;
  return s;
}

function divisorOf(definition: MetricDefinition): number | undefined {
  if (definition.type === 'counter' || definition.measurement === undefined || definition.scale >= 1) return undefined;
  return definition.divisor === 0 ? undefined : definition.divisor;
}
