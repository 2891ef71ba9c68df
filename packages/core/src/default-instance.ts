import { Telemetry } from './telemetry.js';
import { registerBus } from './wrong-bus.js';

/** The process-wide default bus. The functions below are bound to it. */
export const telemetry = new Telemetry();
registerBus(telemetry, true);

export const attach = telemetry.attach.bind(telemetry);
export const attachMany = telemetry.attachMany.bind(telemetry);
export const detach = telemetry.detach.bind(telemetry);
export const listHandlers = telemetry.listHandlers.bind(telemetry);
export const emit = telemetry.emit.bind(telemetry);
export const span = telemetry.span.bind(telemetry);
export const events = telemetry.events.bind(telemetry);
