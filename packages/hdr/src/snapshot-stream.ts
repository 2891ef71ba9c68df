import { EventStream, type Telemetry } from '@rx-telemetry/core';
import type { Observable } from 'rxjs';
import type { MetricsSnapshot } from './snapshot.js';

/** Emitted when a `snapshots()` subscriber throws; the subscriber is unsubscribed, nothing else notices. */
export const SUBSCRIBER_FAILURE_EVENT = Object.freeze(['telemetry', 'hdr', 'subscriber_failure']);

export interface SnapshotSource {
  readonly telemetry: Telemetry | undefined;
  readonly stopped: boolean;
  snapshot(): MetricsSnapshot;
  /** Registers a callback run at stop(); returns its removal. */
  onStop(last: () => void): () => void;
}

/**
 * A snapshot every `intervalMs` while subscribed (unref'd timer), one last one at stop(), then
 * complete. Subscribers are isolated like the core's event streams: one that throws is
 * unsubscribed and reported as SUBSCRIBER_FAILURE_EVENT, never rethrown on a timer.
 */
export function snapshotStream(source: SnapshotSource, intervalMs: number): Observable<MetricsSnapshot> {
  const report = (error: unknown): void => {
    const metadata = { intervalMs, error, stacktrace: error instanceof Error ? (error.stack ?? String(error)) : String(error) };
    if (source.telemetry !== undefined) source.telemetry.emit(SUBSCRIBER_FAILURE_EVENT, {}, metadata);
    // A restored aggregator has no bus: say it on the process's warning channel.
    else process.emitWarning(`rx-telemetry/hdr: a snapshots() subscriber threw: ${metadata.stacktrace}`, 'TelemetryWarning');
  };
  return new EventStream<MetricsSnapshot>((subscriber) => {
    if (source.stopped) {
      subscriber.next(source.snapshot());
      subscriber.complete();
      return undefined;
    }
    const t = setInterval(() => subscriber.next(source.snapshot()), intervalMs);
    t.unref();
    const remove = source.onStop(() => {
      clearInterval(t);
      subscriber.next(source.snapshot());
      subscriber.complete();
    });
    return () => {
      clearInterval(t);
      remove();
    };
  }, report);
}
