import type { EventName, Measurements, Metadata, MetricReader } from '@rx-telemetry/core';
import type { BucketIndex } from './buckets.js';
import { captureTrace, exemplarTime, type CoarseClock, type ExemplarStore } from './exemplars.js';
import type { HistogramStore } from './histogram-store.js';
import { MAX_INTERNAL, type Layout } from './layout.js';
import type { ValueStore } from './series.js';
import type { TagSource } from './tag-index.js';
import type { Ticker } from './ticker.js';

export type Recorder = (event: EventName, measurements: Measurements, metadata: Metadata) => void;

/** Where a record path counts the events it drops. */
export interface DropCounter {
  dropped: number;
}

/** What every record path reads. */
export interface PathParts {
  readonly reader: MetricReader;
  readonly find: (source: TagSource) => number | undefined;
  readonly ticker: Ticker;
  readonly drops: DropCounter;
  /** With `idleSeriesMs`: value series stamp the epoch of each update (histograms have theirs in their slices). */
  readonly stamp: boolean;
  /** With `exemplars: true` (counters and distributions only). */
  readonly exemplars: { readonly store: ExemplarStore; readonly clock: CoarseClock } | undefined;
}

// The record paths: made per kind (and with or without exemplars, so that a path without them
// pays nothing for them), each small enough for V8 to inline what it calls. What they read is
// captured in closure constants, not read from an object: V8 then knows each object (one closure
// per metric) and checks nothing about it per record. None throws: a throwing
// keep/measurement/tagValues function drops the event.

/** summary and distribution. */
export function histogramPath(p: PathParts, store: HistogramStore, layout: Layout, index: BucketIndex | undefined, factor: number): Recorder {
  const { reader, find, ticker, drops } = p;
  if (p.exemplars === undefined) {
    return (_event, measurements, metadata) => {
      try {
        if (!reader.accepts(measurements, metadata)) return;
        const v = reader.value(measurements, metadata);
        // HDR histograms hold no negative values.
        if (v === undefined || !(v >= 0)) {
          drops.dropped++;
          return;
        }
        const id = find(reader.tagSource(metadata));
        if (id === undefined) {
          drops.dropped++;
          return;
        }
        const x = Math.round(v * factor);
        const i = layout.index(x > MAX_INTERNAL ? MAX_INTERNAL : x);
        store.record(id, v, i, index === undefined ? -1 : index.find(v, i), ticker.slot, ticker.epoch);
      } catch {
        drops.dropped++;
      }
    };
  }
  const { store: exemplars, clock } = p.exemplars;
  return (_event, measurements, metadata) => {
    try {
      if (!reader.accepts(measurements, metadata)) return;
      const v = reader.value(measurements, metadata);
      if (v === undefined || !(v >= 0)) {
        drops.dropped++;
        return;
      }
      const id = find(reader.tagSource(metadata));
      if (id === undefined) {
        drops.dropped++;
        return;
      }
      const x = Math.round(v * factor);
      const i = layout.index(x > MAX_INTERNAL ? MAX_INTERNAL : x);
      const j = index === undefined ? -1 : index.find(v, i);
      store.record(id, v, i, j, ticker.slot, ticker.epoch);
      const ref = captureTrace();
      if (ref !== undefined) exemplars.record(id * exemplars.perSeries + (j < 0 ? 0 : j), v, ref, exemplarTime(measurements.monotonicTime, clock));
    } catch {
      drops.dropped++;
    }
  };
}

/** counter (1 per accepted event, without calling reader.value), sum, lastValue. */
export function valuePath(p: PathParts, store: ValueStore, kind: 'counter' | 'sum' | 'lastValue'): Recorder {
  const { reader, find, ticker, drops } = p;
  const counter = kind === 'counter';
  const last = kind === 'lastValue';
  const stamp = p.stamp;
  if (p.exemplars === undefined || !counter) {
    return (_event, measurements, metadata) => {
      try {
        if (!reader.accepts(measurements, metadata)) return;
        const v = counter ? 1 : reader.value(measurements, metadata);
        if (v === undefined) {
          drops.dropped++;
          return;
        }
        const id = find(reader.tagSource(metadata));
        if (id === undefined) {
          drops.dropped++;
          return;
        }
        const values = store.values;
        const k = 2 * id;
        if (last) values[k] = v;
        else values[k] += v;
        if (stamp) values[k + 1] = ticker.epoch;
      } catch {
        drops.dropped++;
      }
    };
  }
  const { store: exemplars, clock } = p.exemplars;
  return (_event, measurements, metadata) => {
    try {
      if (!reader.accepts(measurements, metadata)) return;
      const id = find(reader.tagSource(metadata));
      if (id === undefined) {
        drops.dropped++;
        return;
      }
      const values = store.values;
      values[2 * id]++;
      if (stamp) values[2 * id + 1] = ticker.epoch;
      const ref = captureTrace();
      if (ref !== undefined) exemplars.record(id, 1, ref, exemplarTime(measurements.monotonicTime, clock));
    } catch {
      drops.dropped++;
    }
  };
}
