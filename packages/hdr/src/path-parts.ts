import type { EventName, Measurements, Metadata, MetricReader } from '@rx-telemetry/core';
import type { BucketIndex } from './buckets.js';
import type { CoarseClock, ExemplarStore } from './exemplars.js';
import type { HistogramStore } from './histogram-store.js';
import type { Layout } from './layout.js';
import type { ValueStore } from './series.js';
import type { Lookup } from './tag-index.js';
import type { Ticker } from './ticker.js';

// What a record path is made from (record-path.ts writes it out per metric, record-fallback.ts
// runs it as a closure).

export type Recorder = (event: EventName, measurements: Measurements, metadata: Metadata) => void;

/** Where a record path counts the events it drops. */
export interface DropCounter {
  dropped: number;
}

/** What every record path reads. */
export interface PathParts {
  readonly reader: MetricReader;
  /** The series id lookup: its `find` is read per record (TagIndex replaces it when it reorders its levels). */
  readonly lookup: Lookup;
  readonly ticker: Ticker;
  readonly drops: DropCounter;
  /** With `idleSeriesMs`: value series stamp the epoch of each update (histograms have theirs in their slices). */
  readonly stamp: boolean;
  /** With `exemplars: true` (counters and distributions only). */
  readonly exemplars: { readonly store: ExemplarStore; readonly clock: CoarseClock } | undefined;
}

/** What one metric's path records into, and how. */
export interface PathShape {
  readonly kind: 'histogram' | 'counter' | 'sum' | 'lastValue';
  readonly store: HistogramStore | ValueStore;
  readonly layout?: Layout;
  readonly index?: BucketIndex;
  /** Metric unit to internal integer units (histograms). */
  readonly factor?: number;
}
