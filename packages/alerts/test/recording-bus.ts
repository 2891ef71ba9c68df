import { Telemetry, type EventName, type Measurements, type Metadata } from '@rx-telemetry/core';

export interface Recorded {
  readonly event: string;
  readonly measurements: Measurements;
  readonly metadata: Metadata;
}

/** A real bus plus everything emitted on the given events. */
export function recordingBus(...events: EventName[]): { telemetry: Telemetry; seen: Recorded[] } {
  const telemetry = new Telemetry();
  const seen: Recorded[] = [];
  telemetry.attachMany('test-recorder', events, (event, measurements, metadata) => {
    seen.push({ event: event.join('.'), measurements, metadata });
  });
  return { telemetry, seen };
}
