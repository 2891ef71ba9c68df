import { Reading, type MetricsVisitor } from './collect.js';
import type { MetricState } from './metric-state.js';
import type { HistogramSeries, ValueSeries } from './series.js';

/** Visits every metric and series of `states` as they are at `epoch`; writes nothing. */
export function visitStates(states: readonly MetricState[], epoch: number, visitor: MetricsVisitor): void {
  let reading: Reading | undefined;
  for (const st of states) {
    if (visitor.metric !== undefined && visitor.metric(st) === false) continue;
    const all = st.all;
    if (st.isHistogram) {
      if (visitor.histogram === undefined) continue;
      reading ??= new Reading(epoch);
      for (let i = 0; i < all.length; i++) {
        const s = all[i] as HistogramSeries;
        try {
          visitor.histogram(st, s, reading.load(s, st.factor));
        } finally {
          reading.release();
        }
      }
    } else {
      if (visitor.value === undefined) continue;
      for (let i = 0; i < all.length; i++) {
        const s = all[i] as ValueSeries;
        visitor.value(st, s, s.value);
      }
    }
  }
}
