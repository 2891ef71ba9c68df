import type { Alert } from '../alert.js';

/**
 * Receives every notification (an alert that fired, re-notified or resolved). It runs
 * asynchronously on its own bounded queue: a slow handler delays only itself. A rejection or a
 * throw counts as a failed delivery (`['telemetry','alert','delivery_failed']`). `signal` aborts
 * when the delivery timed out or `Alerts` stopped before it finished: stop work then.
 *
 * ```ts
 * const toConsole: AlertHandler = (alert) => console.log(alert.status, alert.name, alert.labels);
 * ```
 */
export type AlertHandler = ((alert: Alert, signal: AbortSignal) => void | Promise<void>) & {
  /** Shown in failure events; the built-in handlers set it (credentials redacted). */
  readonly handlerName?: string;
};

/** Gives a handler function its display name. */
export function named(name: string, fn: (alert: Alert, signal: AbortSignal) => void | Promise<void>): AlertHandler {
  return Object.assign(fn, { handlerName: name });
}
