import { msToNs, type Telemetry } from '@rx-telemetry/core';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { GC_COLLECTION_EVENT, GC_EVENT } from './events.js';
import type { Source } from './source.js';

const KINDS = new Map<number, string>([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

interface Tally {
  count: number;
  /** ns */
  duration: number;
}

// Metadata objects per kind, made once: one event per collection allocates no metadata.
const KIND_METADATA = new Map<string, Readonly<{ kind: string }>>();
function kindMetadata(kind: string): Readonly<{ kind: string }> {
  let md = KIND_METADATA.get(kind);
  if (md === undefined) KIND_METADATA.set(kind, (md = Object.freeze({ kind })));
  return md;
}

/**
 * `['vm','gc']` with metadata `{kind}`: how many collections of that kind ran since the previous
 * poll and their total duration in ns. Kinds with no collection in the period emit nothing.
 * `['vm','gc','collection']` `{duration}` `{kind}`: one event per collection, emitted when the
 * observer sees it (for histograms of GC pauses, such as prom-client's `nodejs_gc_duration_seconds`).
 * GC entries reach the observer asynchronously, so a collection right before a poll may count
 * in the next one.
 */
export function gcSource(telemetry: Telemetry): Source {
  const event = telemetry.event(GC_EVENT);
  const collection = telemetry.event(GC_COLLECTION_EVENT);
  const tallies = new Map<string, Tally>();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) record(entry);
  });
  const record = (entry: PerformanceEntry): void => {
    // `detail.kind` (Node >= 16); the types of Node 20 do not declare `detail` on every entry.
    const kindId = ((entry as PerformanceEntry & { detail?: { kind?: number } | null }).detail ?? undefined)?.kind;
    const kind = (kindId === undefined ? undefined : KINDS.get(kindId)) ?? 'unknown';
    let tally = tallies.get(kind);
    if (tally === undefined) tallies.set(kind, (tally = { count: 0, duration: 0 }));
    const duration = msToNs(entry.duration);
    tally.count++;
    tally.duration += duration;
    if (collection.active) collection.emit({ duration }, kindMetadata(kind));
  };
  observer.observe({ entryTypes: ['gc'] });
  return {
    name: 'gc',
    poll() {
      if (event.active) {
        for (const [kind, { count, duration }] of tallies) if (count > 0) event.emit({ count, duration }, { kind });
      }
      tallies.clear();
    },
    stop() {
      observer.disconnect();
    },
  };
}
