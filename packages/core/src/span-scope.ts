import type { Measurements, Metadata } from './event-name.js';

/**
 * Handed to a `span()` callback: adds metadata and measurements to the stop event.
 *
 * ```ts
 * telemetry.span(['db', 'query'], { table: 'users' }, (scope) => {
 *   const rows = query();
 *   scope.set({ rows: rows.length }).measure({ bytes: size(rows) });
 *   return rows;
 * });
 * ```
 */
export interface SpanScope {
  /** This span's id, as carried in its events' `spanId` metadata. */
  readonly spanId: number;
  /** Merges metadata into the stop (or exception) event. */
  set(metadata: Metadata): SpanScope;
  /** Merges measurements into the stop event; `duration` and `monotonicTime` are never overridden. */
  measure(measurements: Measurements): SpanScope;
}

/** The scope handed out when nobody observes the span: it records nothing. */
export const NOOP_SCOPE: SpanScope = Object.freeze({
  spanId: 0,
  set(): SpanScope {
    return NOOP_SCOPE;
  },
  measure(): SpanScope {
    return NOOP_SCOPE;
  },
});
