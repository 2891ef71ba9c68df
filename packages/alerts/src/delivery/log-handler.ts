import type { Alert } from '../alert.js';
import { named, type AlertHandler } from './handler.js';

type LogMethod = (obj: object, msg?: string) => void;

/** The part of a pino logger the log handler uses; a pino 10 `Logger` fits. */
export interface AlertLogger {
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
}

/**
 * Logs each notification: firing critical alerts at `error`, firing warnings at `warn`,
 * everything else (info alerts, resolutions) at `info`.
 *
 * ```ts
 * import pino from 'pino';
 * new Alerts(telemetry, { source, rules, handlers: [logHandler(pino())] });
 * ```
 */
export function logHandler(logger: AlertLogger): AlertHandler {
  if (logger === null || typeof logger !== 'object' || typeof logger.info !== 'function' || typeof logger.warn !== 'function' || typeof logger.error !== 'function') {
    throw new TypeError('logHandler: logger must have info, warn and error methods (e.g. a pino logger)');
  }
  return named('log', (alert: Alert) => {
    const level = alert.status !== 'firing' || alert.severity === 'info' ? 'info' : alert.severity === 'critical' ? 'error' : 'warn';
    logger[level]({ alert }, `alert ${alert.name} ${alert.status}`);
  });
}
