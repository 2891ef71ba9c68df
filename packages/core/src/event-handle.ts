import type { EventName, Measurements, Metadata } from './event-name.js';

/**
 * A pre-resolved event: `emit` skips the name lookup, and costs one property check when
 * nothing listens. Get one with `telemetry.event(name)` and keep it.
 *
 * ```ts
 * const dispatched = telemetry.event(['compute', 'kernel', 'dispatch', 'stop']);
 * if (dispatched.active) dispatched.emit({ duration }, { kernel: 'add' });
 * ```
 */
export interface EventHandle {
  readonly name: EventName;
  /** True while a handler or an `events()` subscriber would receive this event. */
  readonly active: boolean;
  emit(measurements: Measurements, metadata?: Metadata): void;
}
