import type { Aggregator, CollectedMetric } from '@rx-telemetry/hdr';
import { wellFormed } from './escape.js';
import { family, familyNames, type Family } from './family.js';
import { labelName } from './names.js';
import { SELF_METRICS, selfMetricName } from './self-metrics.js';

// `le`/`quantile` belong to histogram/summary samples, `metric` labels the self-metrics,
// `overflow` the overflow series.
const RESERVED_LABELS = new Set(['le', 'quantile', 'metric', 'overflow']);

/** `defaultLabels` validated as [label name, value] pairs; a TypeError naming the problem otherwise. */
export function checkedDefaults(defaults: Readonly<Record<string, string>> | undefined): (readonly [string, string])[] {
  const given = defaults ?? {};
  if (given === null || typeof given !== 'object') throw new TypeError('PrometheusReporter: defaultLabels must be an object of strings');
  const labelOf = new Map<string, string>();
  const out: (readonly [string, string])[] = [];
  for (const [k, v] of Object.entries(given)) {
    if (typeof v !== 'string') throw new TypeError(`PrometheusReporter: defaultLabels.${k} must be a string`);
    if (k === '') throw new TypeError('PrometheusReporter: defaultLabels has an empty label name');
    const name = labelName(k);
    if (RESERVED_LABELS.has(name)) throw new TypeError(`PrometheusReporter: defaultLabels.${k} becomes the reserved label ${JSON.stringify(name)}`);
    const clash = labelOf.get(name);
    if (clash !== undefined) throw new TypeError(`PrometheusReporter: defaultLabels.${clash} and defaultLabels.${k} both become the label ${JSON.stringify(name)}`);
    labelOf.set(name, k);
    out.push([name, wellFormed(v)]);
  }
  return out;
}

/**
 * Every metric's family, checked so that no two of them, nor one of them and the self-metrics,
 * share a family or sample name in either format (`x_y` histogram beside an `x_y_count` gauge, a
 * counter `x` beside a gauge `x_total`, …): Prometheus would keep one and silently drop the other.
 */
export function familiesOf(aggregator: Aggregator, prefix: string): Map<CollectedMetric, Family> {
  const families = new Map<CollectedMetric, Family>();
  const owner = new Map<string, string>();
  const claim = (names: readonly string[], who: string): void => {
    for (const n of names) {
      const other = owner.get(n);
      if (other !== undefined && other !== who) throw new TypeError(`PrometheusReporter: ${other} and ${who} both take the name ${n}`);
      owner.set(n, who);
    }
  };
  for (const [what] of SELF_METRICS) claim(familyNames('counter', selfMetricName(prefix, what)), `the self-metric ${selfMetricName(prefix, what)}`);
  aggregator.collect({
    metric: (m) => {
      const f = family(m, prefix, new Set());
      claim(f.names, `metric ${JSON.stringify(m.definition.name)}`);
      families.set(m, f);
      return false;
    },
  });
  return families;
}
