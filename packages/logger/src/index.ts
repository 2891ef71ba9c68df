// The public API of @rx-telemetry/logger. Every name here is listed in README.md's API section.
export { attachLogger } from './attach-logger.js';
export type { LoggerOptions, AttachedLogger } from './options.js';
export type { WriterKind } from './line-writer.js';
export { LOGGER_DROPPED_EVENT } from './logger-dropped-event.js';
export { LOGGER_WRITE_FAILED_EVENT } from './logger-write-failed-event.js';
export { DEFAULT_REDACT } from './redaction.js';
export { defaultLevel } from './default-level.js';
