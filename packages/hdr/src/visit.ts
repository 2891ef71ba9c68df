import { Reading, type MetricsVisitor } from './collect.js';
import type { MetricState } from './metric-state.js';
import { ExemplarReading } from './exemplars.js';
import type { HistogramStore } from './histogram-store.js';
import type { ValueStore } from './series.js';

/** Visits every metric and series of `states` as they are at `epoch`; writes nothing. */
export function visitStates(states: readonly MetricState[], epoch: number, visitor: MetricsVisitor): void {
  let reading: Reading | undefined;
  const exemplar = new ExemplarReading();
  for (const st of states) {
    if (visitor.metric !== undefined && visitor.metric(st) === false) continue;
    const all = st.all;
    if (st.isHistogram) {
      if (visitor.histogram === undefined) continue;
      reading ??= new Reading(epoch, exemplar);
      const store = st.hist as HistogramStore;
      for (let i = 0; i < all.length; i++) {
        const s = all[i];
        try {
          visitor.histogram(st, s, reading.load(store, s.id, st.factor, st.exemplars));
        } finally {
          reading.release();
        }
      }
    } else {
      if (visitor.value === undefined) continue;
      const store = st.values as ValueStore;
      const ex = st.exemplars;
      for (let i = 0; i < all.length; i++) {
        const s = all[i];
        visitor.value(st, s, store.value(s.id), ex === undefined ? undefined : ex.read(s.id, 0, exemplar));
      }
    }
  }
}
