import { isEventName, type EventName, type Measurements, type Metadata, type Telemetry } from '@rx-telemetry/core';
import type { Source } from './source.js';

/**
 * A measurement of your own, polled with the built-in ones. Either a function that emits by
 * itself, or an event with a function returning its measurements (sync or async).
 *
 * ```ts
 * const queueDepth: CustomMeasurement = { event: ['app', 'queue'], measure: () => ({ length: queue.length }), metadata: { queue: 'jobs' } };
 * const pool: CustomMeasurement = (telemetry) => telemetry.emit(['db', 'pool'], { idle: pool.idleCount });
 * ```
 */
export type CustomMeasurement =
  | ((telemetry: Telemetry) => void | Promise<void>)
  | {
      /** How failures name it; default the event name joined with dots. */
      readonly name?: string;
      readonly event: EventName;
      readonly measure: () => Measurements | Promise<Measurements>;
      readonly metadata?: Metadata;
    };

export function customSource(telemetry: Telemetry, measurement: CustomMeasurement, index: number): Source {
  if (typeof measurement === 'function') {
    // It emits by itself: once stopped, it is no longer called (what it emits from a promise still running is its own).
    return { name: measurement.name || `measurements[${index}]`, poll: () => measurement(telemetry) };
  }
  if (measurement === null || typeof measurement !== 'object' || !isEventName(measurement.event) || typeof measurement.measure !== 'function') {
    throw new TypeError(
      `startPoller: measurements[${index}] must be a built-in name, a function, or { event: EventName, measure: () => Measurements }`,
    );
  }
  const { measure, metadata } = measurement;
  const event = telemetry.event(measurement.event);
  let stopped = false;
  // A measure that settles after the poller stopped is not emitted.
  const emit = (measurements: Measurements): void => {
    if (!stopped) event.emit(measurements, metadata);
  };
  return {
    name: measurement.name ?? measurement.event.join('.'),
    poll() {
      if (!event.active) return;
      const result = measure();
      if (result instanceof Promise) return result.then(emit);
      emit(result);
    },
    stop() {
      stopped = true;
    },
  };
}
