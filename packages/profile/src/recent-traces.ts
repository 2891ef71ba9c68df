import { monotonicTime, type Telemetry } from '@rx-telemetry/core';
import { toChromeTrace, type ChromeTrace } from './chrome-trace.js';
import { PROFILE_DROPPED_EVENT } from './dropped-event.js';
import type { RecordedSpan } from './recorded-span.js';
import { SpanRecorder, type MutableSpan } from './span-recorder.js';

export interface RecentTracesOptions {
  /** Correlation ids whose spans are kept: the latest this many (default 200). */
  readonly maxTraces?: number;
  /** Spans kept per correlation id (default 1,000); more are dropped and counted. */
  readonly maxSpansPerTrace?: number;
  /** Failed spans remembered for `failures()` (default 50), with or without a correlation id. */
  readonly maxFailures?: number;
}

export interface RecentTraces {
  /** The correlation ids held, newest first. */
  ids(): string[];
  /** The spans of one correlation id, in start order (open ones have no `durationNs`), or undefined when not held. */
  spans(correlationId: string): readonly RecordedSpan[] | undefined;
  /** One correlation id's spans as Chrome Trace Event JSON (open spans ended now, marked `unfinished`). */
  trace(correlationId: string): ChromeTrace | undefined;
  /** The latest spans that ended with an exception, newest first. */
  failures(): readonly RecordedSpan[];
  /** Spans dropped so far (over `maxSpansPerTrace`). */
  readonly dropped: number;
  /** Unhooks from the bus and forgets everything (idempotent; `telemetry.shutdown()` calls it). */
  stop(): Promise<void>;
}

function positive(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1) throw new TypeError(`recentTraces: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

/**
 * Keeps the spans of the latest correlation ids, so a job's trace can be looked at after it ran
 * (the live page links every exception to it). Bounded: old ids are forgotten first.
 *
 * ```ts
 * const traces = recentTraces(telemetry, { maxTraces: 100 });
 * await withCorrelation('job-7', () => runJob());
 * traces.trace('job-7'); // Chrome Trace Event JSON
 * ```
 */
export function recentTraces(telemetry: Telemetry, options: RecentTracesOptions = {}): RecentTraces {
  if (telemetry === null || typeof telemetry !== 'object' || typeof telemetry.bindSpanContext !== 'function' || typeof telemetry.manage !== 'function') {
    throw new TypeError('recentTraces: telemetry must be a Telemetry instance');
  }
  if (options === null || typeof options !== 'object') throw new TypeError('recentTraces: options must be an object');
  const maxTraces = positive('maxTraces', options.maxTraces, 200);
  const maxSpans = positive('maxSpansPerTrace', options.maxSpansPerTrace, 1_000);
  const maxFailures = positive('maxFailures', options.maxFailures, 50);
  // Insertion order is age: the first key is the oldest id.
  const byId = new Map<string, MutableSpan[]>();
  const failures: RecordedSpan[] = [];
  let dropped = 0;
  let reported = 0;

  const recorder = new SpanRecorder(telemetry, {
    started(info, record) {
      const id = info.correlationId;
      if (id === undefined) return true; // kept open only to learn whether it fails
      let list = byId.get(id);
      if (list === undefined) {
        byId.set(id, (list = []));
        if (byId.size > maxTraces) byId.delete(byId.keys().next().value as string);
      }
      if (list.length >= maxSpans) {
        dropped++;
        return false;
      }
      list.push(record);
      return true;
    },
    ended(record) {
      if (!record.failed) return;
      failures.unshift(record);
      if (failures.length > maxFailures) failures.length = maxFailures;
    },
  });
  // Drops are reported at most once a second, never from inside a span.
  const timer = setInterval(() => {
    if (dropped === reported) return;
    telemetry.emit(PROFILE_DROPPED_EVENT, { spans: dropped - reported, counterSamples: 0 }, { profile: recorder.id, reason: 'limit', maxSpans });
    reported = dropped;
  }, 1000);
  timer.unref();

  const stop = telemetry.manage('recent-traces', () => {
    clearInterval(timer);
    recorder.detach();
    byId.clear();
    failures.length = 0;
  });
  const spansOf = (id: string): MutableSpan[] | undefined => (typeof id === 'string' ? byId.get(id) : undefined);
  return {
    ids: () => [...byId.keys()].reverse(),
    spans: (id) => spansOf(id)?.slice(),
    trace(id) {
      const spans = spansOf(id);
      if (spans === undefined) return undefined;
      return toChromeTrace(spans, { endNs: monotonicTime(), otherData: { recordedBy: '@rx-telemetry/profile', correlationId: id } });
    },
    failures: () => failures.slice(),
    get dropped() {
      return dropped;
    },
    stop,
  };
}
