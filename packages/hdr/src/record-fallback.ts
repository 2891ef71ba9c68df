import type { Measurements, Metadata } from '@rx-telemetry/core';
import { captureTrace, exemplarTime } from './exemplars.js';
import type { HistogramStore } from './histogram-store.js';
import { MAX_INTERNAL, type Layout } from './layout.js';
import type { PathParts, PathShape, Recorder } from './path-parts.js';
import type { ValueStore } from './series.js';

/**
 * The record path where code generation from strings is disallowed (a CSP,
 * `--disallow-code-generation-from-strings`): the steps record-path.ts writes out per metric, as
 * one closure whose options are read per record. Same results, without per-metric feedback.
 */
export function fallbackPath(p: PathParts, shape: PathShape): Recorder {
  const r = p.reader.specialised();
  const { lookup, ticker, drops, stamp } = p;
  const { kind, layout, index } = shape;
  const factor = shape.factor ?? 1;
  const ex = p.exemplars;
  const hist = kind === 'histogram';
  return (_event: unknown, m: Measurements, md: Metadata): void => {
    try {
      if (r.accepts !== undefined && !r.accepts(m, md)) return;
      let v = 1;
      if (kind !== 'counter') {
        const got = r.value(m, md);
        // HDR histograms hold no negative values; a sum or last value may be negative.
        if (got === undefined || (hist && !(got >= 0))) {
          drops.dropped++;
          return;
        }
        v = got;
      }
      const id = lookup.find(r.tagSource === undefined ? md : r.tagSource(md));
      if (id === undefined) {
        drops.dropped++;
        return;
      }
      let slot = 0;
      if (hist) {
        const x = Math.round(v * factor);
        const i = (layout as Layout).index(x > MAX_INTERNAL ? MAX_INTERNAL : x);
        const j = index === undefined ? -1 : index.find(v, i);
        (shape.store as HistogramStore).record(id, v, i, j, ticker.slot, ticker.epoch);
        slot = id * (ex === undefined ? 1 : ex.store.perSeries) + (j < 0 ? 0 : j);
      } else {
        const values = (shape.store as ValueStore).values;
        if (kind === 'lastValue') values[2 * id] = v;
        else values[2 * id] += v;
        if (stamp) values[2 * id + 1] = ticker.epoch;
        slot = id;
      }
      if (ex !== undefined && (hist || kind === 'counter')) {
        const ref = captureTrace();
        if (ref !== undefined) ex.store.record(slot, v, ref, exemplarTime(m.monotonicTime, ex.clock));
      }
    } catch {
      drops.dropped++;
    }
  };
}
