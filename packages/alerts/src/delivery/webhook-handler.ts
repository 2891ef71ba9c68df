import { checkUrl, displayUrl } from '@rx-telemetry/http-client';
import type { Alert } from '../alert.js';
import { named, type AlertHandler } from './handler.js';
import { jsonPoster, type HttpHandlerOptions } from './http-post.js';

export interface WebhookOptions extends HttpHandlerOptions {
  /**
   * May carry `user:pass@` (sent as Basic auth). Logs and events show only scheme, host and port
   * (see `displayUrl` of @rx-telemetry/http-client): webhook paths often hold tokens.
   */
  readonly url: string;
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
 * new Alerts(telemetry, { aggregator, rules, handlers: [hook] });
 * ```
 */
export function webhookHandler(options: WebhookOptions): AlertHandler {
  if (options === null || typeof options !== 'object') throw new TypeError('webhookHandler: options must be an object');
  checkUrl(options.url, 'webhookHandler');
  const poster = jsonPoster(options, 'webhookHandler');
  return named(`webhook(${displayUrl(options.url)})`, (alert, signal) => poster.post({ version: 1, status: alert.status, alert } satisfies WebhookPayload, signal));
}
