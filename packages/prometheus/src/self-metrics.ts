import type { CollectedMetric } from '@rx-telemetry/hdr';
import { escapeHelp, escapeLabelValue } from './escape.js';
import type { Family } from './family.js';
import { metricName } from './names.js';
import type { Format } from './render.js';

/** The reporter's own counters, per metric: [name after `<prefix>rx_telemetry_`, HELP, reading]. */
export const SELF_METRICS: readonly (readonly [string, string, (m: CollectedMetric) => number])[] = [
  ['dropped_events', 'Events skipped for a missing or non-finite measurement or a missing tag', (m) => m.droppedEvents],
  ['overflow_events', 'Events folded into the overflow series after maxSeriesPerMetric', (m) => m.overflowSeries],
  ['folded_events', 'Events whose tag values held lone UTF-16 surrogates, recorded with U+FFFD in their place', (m) => m.foldedEvents],
  ['removed_series', 'Series removed from the store after idleSeriesMs without an update', (m) => m.removedSeries],
];

/**
 * A self-metric's family name (a counter: its sample adds `_total`): `<prefix>rx_telemetry_<what>`,
 * without repeating what the prefix already says (`rx_` gives `rx_telemetry_…`, not `rx_rx_telemetry_…`).
 */
export function selfMetricName(prefix: string, what: string): string {
  const p = metricName(prefix);
  if (p.endsWith('rx_telemetry_')) return metricName(`${prefix}${what}`);
  if (p.endsWith('rx_')) return metricName(`${prefix}telemetry_${what}`);
  return metricName(`${prefix}rx_telemetry_${what}`);
}

/** The self-metrics' exposition: one `…_total{metric="<family>"}` sample per metric each. */
export function selfMetricsText(
  prefix: string,
  defaults: readonly (readonly [string, string])[],
  metrics: readonly CollectedMetric[],
  families: ReadonlyMap<CollectedMetric, Family>,
  format: Format,
): string {
  const om = format === 'openmetrics';
  const labels = defaults.map(([k, v]) => `${k}="${escapeLabelValue(v)}",`).join('');
  let out = '';
  for (const [what, help, get] of SELF_METRICS) {
    const name = selfMetricName(prefix, what);
    out += om ? `# TYPE ${name} counter\n# HELP ${name} ${escapeHelp(help, true)}\n` : `# HELP ${name}_total ${escapeHelp(help, false)}\n# TYPE ${name}_total counter\n`;
    for (const m of metrics) out += `${name}_total{${labels}metric="${(families.get(m) as Family).name}"} ${get(m)}\n`;
  }
  return out;
}
