import type { EventName } from './event-name.js';
import type { Metadata } from './event-name.js';
import type { OpenSpan } from './open-span.js';
import type { SpanScope } from './span-scope.js';

/**
 * A span prefix resolved once, for hot paths: `run` is `telemetry.span(prefix, …)` without the
 * name lookup, and `start` opens a span by hand. Get one with `telemetry.spanEvent(prefix)`.
 *
 * ```ts
 * const query = telemetry.spanEvent(['db', 'query']);
 * query.run({ table: 'users' }, () => db.select());
 * if (query.active) { const s = query.start({ table: 'users' }); …; s.stop(); }
 * ```
 */
export interface SpanEvent {
  readonly prefix: EventName;
  /** True while anyone observes these spans: a handler or stream on start/stop/exception, or a span-context hook. */
  readonly active: boolean;
  /** Opens a span and emits its start event; a no-op span (id 0) when nobody observes. */
  start(metadata?: Metadata, startTime?: number): OpenSpan;
  /** Emits start, runs `fn`, then stop with its duration (or exception, rethrowing); awaits a promise result. */
  run<T>(metadata: Metadata, fn: (scope: SpanScope) => T): T;
}
