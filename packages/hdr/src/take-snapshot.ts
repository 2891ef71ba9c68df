import type { CollectedMetric, HistogramReading, MetricsVisitor, CollectedSeries } from './collect.js';
import type { MetricSnapshot, MetricsSnapshot, SeriesSnapshot } from './snapshot.js';

/** Builds a snapshot through the same visitor API third-party exporters use. */
export function takeSnapshot(collect: (visitor: MetricsVisitor) => void, windowMs: number): MetricsSnapshot {
  const metrics: MetricSnapshot[] = [];
  let series: SeriesSnapshot[] = [];
  let droppedEvents = 0;
  let overflowSeries = 0;
  let foldedEvents = 0;
  collect({
    metric(m: CollectedMetric) {
      const d = m.definition;
      series = [];
      droppedEvents += m.droppedEvents;
      overflowSeries += m.overflowSeries;
      foldedEvents += m.foldedEvents;
      metrics.push({
        name: d.name,
        type: d.type,
        unit: d.unit,
        description: d.description,
        series,
        droppedEvents: m.droppedEvents,
        overflowSeries: m.overflowSeries,
        foldedEvents: m.foldedEvents,
      });
    },
    value(_m: CollectedMetric, s: CollectedSeries, value: number) {
      series.push({ tags: s.tags, value });
    },
    histogram(_m: CollectedMetric, s: CollectedSeries, r: HistogramReading) {
      series.push({ tags: s.tags, total: r.total.stats(), window: r.window.stats() });
    },
  });
  return { timestamp: Date.now(), windowMs, metrics, droppedEvents, overflowSeries, foldedEvents };
}
