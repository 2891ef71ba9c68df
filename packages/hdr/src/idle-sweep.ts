import type { Telemetry } from '@rx-telemetry/core';
import type { MetricState } from './metric-state.js';

/** Emitted once per sweep that removed idle series (see AggregatorOptions.idleSeriesMs). */
export const IDLE_SERIES_REMOVED_EVENT = Object.freeze(['telemetry', 'hdr', 'idle_series_removed']);

/**
 * The sweep run at every window slice boundary: removes each series whose last update is more
 * than `idleSeriesMs` old, rounded up to whole slices (a series is stamped with the slice it was
 * last updated in), and reports what it removed in one event.
 */
export function idleSweeper(telemetry: Telemetry, states: readonly MetricState[], idleSeriesMs: number, sliceMs: number): (epoch: number) => void {
  const slices = Math.ceil(idleSeriesMs / sliceMs);
  return (epoch) => {
    // Kept: updated in the last `slices` slices before this one, or in this one.
    const before = epoch - slices;
    let removed = 0;
    let live = 0;
    const metrics: Record<string, number> = {};
    for (const st of states) {
      const n = st.sweep(before);
      if (n !== 0) metrics[st.definition.name] = n;
      removed += n;
      live += st.liveSeries;
    }
    if (removed !== 0) telemetry.emit(IDLE_SERIES_REMOVED_EVENT, { series: removed, live }, { idleSeriesMs, metrics });
  };
}
