import type { MetricDefinition } from '@rx-telemetry/core';
import type { StatsD } from 'hot-shots';
import type { Formatter } from './formatter.js';
import type { StatsdMetricOptions } from './options.js';
import type { AggregatedContext } from './client-aggregation.js';
import { sanitizeName, sanitizeSegment } from './sanitize.js';
import { TagCache } from './tag-cache.js';

import type { Send } from './send.js';

export type { Send };

/**
 * How one metric goes on the StatsD wire, resolved once per reporter: name, tag prefixes, rate,
 * send function, and caches of what tag values become. Values, tag values and skip rules come
 * from core's MetricReader; this holds only what is StatsD's own.
 */
export interface StatsdMetric {
  /** The sanitised name (without the reporter prefix, which hot-shots adds). */
  readonly base: string;
  /** `key:` per tag (DogStatsD/Telegraf; hot-shots turns `:` into `=` for Telegraf). */
  readonly tagPrefixes: readonly string[];
  readonly rate: number;
  readonly send: Send;
  /** Tag values → standard name, or → DogStatsD/Telegraf tag list. */
  readonly names: TagCache<string>;
  readonly tagLists: TagCache<string[]>;
  /**
   * With client-side aggregation on: counts (counter, sum) and plain gauges (lastValue) at a rate
   * of 1 are aggregated, and timers, histograms and distributions at a rate of 1 are held for the
   * flush (each value still a line); relative and timestamped gauges and sampled lines never are.
   */
  readonly aggregated: boolean;
  readonly gauge: boolean;
  /** With client-side aggregation on: a timer (summary, distribution) at a rate of 1, whose values are held for the flush. */
  readonly timer: boolean;
  /** A held timer sent as `ms` (standard, Telegraf), whose values can share a line. */
  readonly packable: boolean;
  /** Tag values → aggregated context; `single` for a metric without tags. */
  readonly contexts: TagCache<AggregatedContext>;
  single: AggregatedContext | undefined;
}

const increment: Send = (c, name, value, rate, tags) => c.increment(name, value, rate, tags);
const gaugeDelta: Send = (c, name, value, rate, tags) => c.gaugeDelta(name, value, rate, tags);
const plainGauge: Send = (c, name, value, rate, tags) => c.gauge(name, value, rate, tags);
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

// DogStatsD 1.3: a gauge with the second it was recorded in (hot-shots writes `|T<seconds>`).
const timestampedGauge: Send = (c, name, value, rate, tags) => c.gauge(name, value, { sampleRate: rate, tags, timestamp: Math.floor(Date.now() / 1000) });

function sendFor(definition: MetricDefinition, formatter: Formatter, timestamps: boolean): Send {
  const datadog = formatter === 'datadog';
  switch (definition.type) {
    case 'counter':
      return increment;
    case 'sum':
      return (definition.reporterOptions as StatsdMetricOptions).reportAs === 'gauge' ? gaugeDelta : increment;
    case 'lastValue':
      return datadog ? (timestamps ? timestampedGauge : plainGauge) : signedGauge;
    case 'summary':
      return datadog ? histogram : timing;
    case 'distribution':
      return datadog ? distribution : timing;
  }
}

export function statsdMetric(definition: MetricDefinition, formatter: Formatter, defaultRate: number, timestamps: boolean, aggregation: boolean): StatsdMetric {
  const send = sendFor(definition, formatter, timestamps);
  const rate = (definition.reporterOptions as StatsdMetricOptions).sampleRate ?? defaultRate;
  const gauge = send === plainGauge || send === signedGauge;
  const timer = send === timing || send === histogram || send === distribution;
  return {
    base: sanitizeName(definition.name),
    tagPrefixes: definition.tags.map((t) => `${sanitizeName(t)}:`),
    rate,
    send,
    names: new TagCache<string>(),
    tagLists: new TagCache<string[]>(),
    aggregated: aggregation && rate >= 1 && (send === increment || gauge || timer),
    gauge,
    timer,
    packable: timer && send === timing,
    contexts: new TagCache<AggregatedContext>(),
    single: undefined,
  };
}

/** `.v1.v2` for the standard formatter's global tags, in key order. */
export function globalSuffix(globalTags: Readonly<Record<string, string>>): string {
  let s = '';
  for (const v of Object.values(globalTags)) s += `.${sanitizeSegment(v)}`;
  return s;
}
