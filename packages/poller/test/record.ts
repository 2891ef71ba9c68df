import type { EventName, Measurements, Metadata, Telemetry } from '@rx-telemetry/core';

export interface Recorded {
  readonly measurements: Measurements;
  readonly metadata: Metadata;
}

let seq = 0;

/** Every emission of `event` from now on, in order. */
export function record(telemetry: Telemetry, event: EventName): Recorded[] {
  const out: Recorded[] = [];
  telemetry.attach(`record-${++seq}`, event, (_e, measurements, metadata) => out.push({ measurements, metadata }));
  return out;
}
