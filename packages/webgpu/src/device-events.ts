import type { EventHandle, Telemetry } from '@rx-telemetry/core';
import { SpanEvents } from './span-events.js';

/** Every event an instrumented device emits, resolved once to handles. */
export class DeviceEvents {
  readonly compile: SpanEvents;
  readonly dispatch: SpanEvents;
  readonly transfer: SpanEvents;
  readonly allocate: EventHandle;
  readonly free: EventHandle;
  readonly error: EventHandle;
  readonly lost: EventHandle;

  constructor(telemetry: Telemetry) {
    this.compile = new SpanEvents(telemetry, ['compute', 'kernel', 'compile']);
    this.dispatch = new SpanEvents(telemetry, ['compute', 'kernel', 'dispatch']);
    this.transfer = new SpanEvents(telemetry, ['compute', 'memory', 'transfer']);
    this.allocate = telemetry.event(['compute', 'memory', 'allocate']);
    this.free = telemetry.event(['compute', 'memory', 'free']);
    this.error = telemetry.event(['compute', 'device', 'error']);
    this.lost = telemetry.event(['compute', 'device', 'lost']);
  }
}
