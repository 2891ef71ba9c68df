import { Telemetry, type EventHandle, type SpanEvent } from '@rx-telemetry/core';

/** A bus nobody ever attaches to: a closed device's events resolve here, so they are never active. */
const silent = new Telemetry();

/** Every event an instrumented device emits, resolved once; `close()` silences them. */
export class DeviceEvents {
  compile: SpanEvent;
  dispatch: SpanEvent;
  transfer: SpanEvent;
  allocate: EventHandle;
  free: EventHandle;
  error: EventHandle;
  lost: EventHandle;

  constructor(telemetry: Telemetry) {
    this.compile = telemetry.spanEvent(['compute', 'kernel', 'compile']);
    this.dispatch = telemetry.spanEvent(['compute', 'kernel', 'dispatch']);
    this.transfer = telemetry.spanEvent(['compute', 'memory', 'transfer']);
    this.allocate = telemetry.event(['compute', 'memory', 'allocate']);
    this.free = telemetry.event(['compute', 'memory', 'free']);
    this.error = telemetry.event(['compute', 'device', 'error']);
    this.lost = telemetry.event(['compute', 'device', 'lost']);
  }

  /**
   * From now on nothing is emitted and no span starts; spans already open still end (they are
   * core's). Same classes as before, so call sites stay monomorphic.
   */
  close(): void {
    const closed = new DeviceEvents(silent);
    this.compile = closed.compile;
    this.dispatch = closed.dispatch;
    this.transfer = closed.transfer;
    this.allocate = closed.allocate;
    this.free = closed.free;
    this.error = closed.error;
    this.lost = closed.lost;
  }
}
