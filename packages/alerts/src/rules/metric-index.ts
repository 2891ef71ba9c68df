import type { MetricSnapshot, MetricsSnapshot } from '@rx-telemetry/hdr';

const NONE: readonly MetricSnapshot[] = Object.freeze([]);
const indexes = new WeakMap<MetricsSnapshot, { readonly metrics: readonly MetricSnapshot[]; readonly byName: Map<string, MetricSnapshot[]> }>();

/**
 * The metrics of `snapshot` named `name`. The snapshot is indexed by name once, on first use, and
 * every rule evaluated on it reuses that index: evaluating R rules over M metrics costs M + R
 * lookups, not R × M comparisons.
 */
export function metricsNamed(snapshot: MetricsSnapshot, name: string): readonly MetricSnapshot[] {
  let index = indexes.get(snapshot);
  // A snapshot object given a new metrics array (hand-built ones may be) is indexed afresh.
  if (index === undefined || index.metrics !== snapshot.metrics) {
    const byName = new Map<string, MetricSnapshot[]>();
    for (const metric of snapshot.metrics) {
      const list = byName.get(metric.name);
      if (list === undefined) byName.set(metric.name, [metric]);
      else list.push(metric);
    }
    index = { metrics: snapshot.metrics, byName };
    indexes.set(snapshot, index);
  }
  return index.byName.get(name) ?? NONE;
}
