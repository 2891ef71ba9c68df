import type { MetricDefinition } from '@rx-telemetry/core';
import type { Field } from './series.js';

/**
 * How a definition asks to be drawn: `reporterOptions.livePage` (every key optional). Definitions
 * that name the same `chart` share one chart, each drawn as its `stat`.
 *
 * ```ts
 * distribution('compute.kernel.dispatch.stop.gpuDuration', { unit: …, reporterOptions: { livePage: { chart: 'GPU time vs CPU-side time', stat: 'mean', combined: true, label: 'GPU' } } })
 * ```
 */
export interface PageHints {
  /** Share a chart with every definition naming the same title. */
  readonly chart?: string;
  /** What a shared chart draws for this definition: default mean (distributions), rate (counters, sums), value (last values). */
  readonly stat?: Field;
  /** One line over every tag set instead of one per tag set (rates and means only). */
  readonly combined?: boolean;
  /** The line's name in a shared chart. Default: the description, else the name. */
  readonly label?: string;
  /** Leave it off the page. */
  readonly hidden?: boolean;
  /** Keep the definition's own chart and also draw it as a line of a shared chart. */
  readonly also?: { readonly chart: string; readonly stat?: Field; readonly combined?: boolean; readonly label?: string };
}

/** One chart's lines: the series of `metric` with `field` (one per tag set, or the combined one). */
export interface ChartLine {
  readonly metric: string;
  readonly field: Field;
  readonly combined: boolean;
  readonly label: string;
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The unit of the values drawn ('second', 'byte', …; '/s' appended for rates), or '' for a count. */
  readonly unit: string;
  /** percentiles: one metric's p50/p95/p99 per tag set, with a switch; lines: the lines listed. */
  readonly kind: 'percentiles' | 'lines';
  readonly lines: readonly ChartLine[];
}

const FIELDS = new Set<Field>(['rate', 'value', 'mean', 'p50', 'p95', 'p99']);

function hintsOf(def: MetricDefinition): PageHints {
  const raw = def.reporterOptions.livePage;
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object') throw new TypeError(`livePage: ${def.name}: reporterOptions.livePage must be an object`);
  const h = raw as PageHints;
  if (h.stat !== undefined && !FIELDS.has(h.stat)) throw new TypeError(`livePage: ${def.name}: reporterOptions.livePage.stat must be one of ${[...FIELDS].join(', ')}`);
  if (h.chart !== undefined && (typeof h.chart !== 'string' || h.chart.length === 0)) throw new TypeError(`livePage: ${def.name}: reporterOptions.livePage.chart must be a non-empty string`);
  if (h.also !== undefined) {
    if (h.also === null || typeof h.also !== 'object' || typeof h.also.chart !== 'string' || h.also.chart.length === 0) throw new TypeError(`livePage: ${def.name}: reporterOptions.livePage.also must be { chart, stat?, combined?, label? }`);
    if (h.also.stat !== undefined && !FIELDS.has(h.also.stat)) throw new TypeError(`livePage: ${def.name}: reporterOptions.livePage.also.stat must be one of ${[...FIELDS].join(', ')}`);
  }
  return h;
}

const isHistogram = (def: MetricDefinition): boolean => def.type === 'distribution' || def.type === 'summary';
const unitOf = (def: MetricDefinition): string => def.unit ?? '';
const rateUnit = (def: MetricDefinition): string => (def.unit === undefined ? '/s' : `${def.unit}/s`);

function defaultStat(def: MetricDefinition): Field {
  if (isHistogram(def)) return 'mean';
  return def.type === 'lastValue' ? 'value' : 'rate';
}

/** The charts of a page, one per definition or per shared `chart` title, in definition order. */
export function chartsOf(definitions: readonly MetricDefinition[]): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const shared = new Map<string, { spec: ChartSpec; lines: ChartLine[] }>();
  const share = (def: MetricDefinition, chart: string, hints: { stat?: Field; combined?: boolean; label?: string }): void => {
    const stat = hints.stat ?? defaultStat(def);
    const line: ChartLine = { metric: def.name, field: stat, combined: hints.combined === true, label: hints.label ?? def.description ?? def.name };
    const group = shared.get(chart);
    if (group !== undefined) {
      group.lines.push(line);
      return;
    }
    const lines = [line];
    const spec: ChartSpec = { id: `chart-${charts.length}`, title: chart, description: '', unit: stat === 'rate' ? rateUnit(def) : unitOf(def), kind: 'lines', lines };
    shared.set(chart, { spec, lines });
    charts.push(spec);
  };
  for (const def of definitions) {
    const hints = hintsOf(def);
    if (hints.hidden === true) continue;
    const description = def.description ?? def.name;
    if (hints.chart !== undefined) {
      share(def, hints.chart, hints);
      continue;
    }
    const id = `chart-${charts.length}`;
    if (isHistogram(def)) {
      charts.push({ id, title: description, description: def.name, unit: unitOf(def), kind: 'percentiles', lines: [{ metric: def.name, field: 'p99', combined: false, label: description }] });
    } else if (def.type === 'lastValue') {
      charts.push({ id, title: description, description: def.name, unit: unitOf(def), kind: 'lines', lines: [{ metric: def.name, field: 'value', combined: false, label: description }] });
    } else {
      charts.push({ id, title: description, description: `${def.name}, per second`, unit: rateUnit(def), kind: 'lines', lines: [{ metric: def.name, field: 'rate', combined: false, label: description }] });
    }
    if (hints.also !== undefined) share(def, hints.also.chart, hints.also);
  }
  return charts;
}
