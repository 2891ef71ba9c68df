import type { Alert } from './alert.js';
import { checkCount, checkHeaders, checkInteger } from './check-number.js';
import { checkUrl } from './check-url.js';
import { named, type AlertHandler } from './handler.js';
import { postJson } from './post-json.js';
import { displayUrl } from './redact.js';

export interface WebhookOptions {
  /**
   * May carry `user:pass@` (sent as Basic auth). Logs and events show only scheme, host and port
   * (see `displayUrl`): webhook paths often hold tokens.
   */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Per attempt (default 5000). */
  readonly timeoutMs?: number;
  /** Extra attempts after a network error, timeout, 429 or 5xx (default 3). */
  readonly retries?: number;
  /** Wait before the first retry, doubled for each further one (default 500). */
  readonly backoffMs?: number;
}

/** The JSON body a webhook receives. */
export interface WebhookPayload {
  readonly version: 1;
  readonly status: Alert['status'];
  readonly alert: Alert;
}

/**
 * POSTs each notification as JSON (`WebhookPayload`), retried with exponential backoff.
 *
 * ```ts
 * const hook = webhookHandler({ url: 'https://hooks.example.com/alerts', timeoutMs: 2000, retries: 3, backoffMs: 500 });
 * new Alerts(telemetry, { source, rules, handlers: [hook] });
 * ```
 */
export function webhookHandler(options: WebhookOptions): AlertHandler {
  if (options === null || typeof options !== 'object') throw new TypeError('webhookHandler: options must be an object');
  const url = checkUrl(options.url, 'webhookHandler');
  const post = {
    headers: checkHeaders(options.headers, 'webhookHandler: headers'),
    timeoutMs: checkCount(options.timeoutMs ?? 5000, 'webhookHandler: timeoutMs', 1),
    retries: checkInteger(options.retries ?? 3, 'webhookHandler: retries', 0),
    backoffMs: checkCount(options.backoffMs ?? 500, 'webhookHandler: backoffMs', 0),
  };
  return named(`webhook(${displayUrl(url)})`, (alert) => postJson(url, { version: 1, status: alert.status, alert } satisfies WebhookPayload, post));
}
