import type { EventName, Measurements, Metadata } from './event-name.js';

/** One emission as seen through `events()`: it keeps the correlation id active at emit time. */
export interface TelemetryEvent {
  readonly name: EventName;
  readonly measurements: Measurements;
  readonly metadata: Metadata;
  readonly correlationId?: string;
}
