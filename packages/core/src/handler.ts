import type { EventName, Measurements, Metadata } from './event-name.js';

/**
 * A handler receives every emission of the events it is attached to, synchronously, in the
 * emitter's async context.
 *
 * ```ts
 * const log: Handler<{ prefix: string }> = (event, measurements, metadata, config) =>
 *   console.log(config.prefix, event.join('.'), measurements.duration);
 * ```
 */
export type Handler<C = unknown> = (event: EventName, measurements: Measurements, metadata: Metadata, config: C) => void;

export interface AttachOptions {
  /** `'detach'` (default): a handler that throws is detached from all its events. */
  readonly onFailure?: 'detach' | 'keep';
}

export interface HandlerInfo {
  readonly id: string;
  readonly event: EventName;
  readonly handler: Handler<unknown>;
  readonly config: unknown;
}
