import { checkHeaders, httpTarget, request } from '@rx-telemetry/http-client';
import { checkCount, checkInteger } from '../check-number.js';

/** The options the webhook and Alertmanager handlers share. */
export interface HttpHandlerOptions {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Per attempt (default 5000). */
  readonly timeoutMs?: number;
  /** Extra attempts after a network error, timeout, 429 or 5xx (default 3). */
  readonly retries?: number;
  /** Wait before the first retry, doubled for each further one (default 500). */
  readonly backoffMs?: number;
}

/** A checked destination that POSTs JSON through @rx-telemetry/http-client. */
export interface JsonPoster {
  post(body: unknown, signal: AbortSignal): Promise<void>;
}

/** Checks the options now (a TypeError naming `what`), not at the first delivery. */
export function jsonPoster(options: HttpHandlerOptions, what: string, url: string = options.url): JsonPoster {
  const target = httpTarget(url, what);
  const headers = { 'content-type': 'application/json', ...checkHeaders(options.headers, `${what}: headers`) };
  const timeoutMs = checkCount(options.timeoutMs ?? 5000, `${what}: timeoutMs`, 1);
  const retries = checkInteger(options.retries ?? 3, `${what}: retries`, 0);
  const backoffMs = checkCount(options.backoffMs ?? 500, `${what}: backoffMs`, 0);
  return {
    async post(body, signal) {
      await request(target, { method: 'POST', headers, body: JSON.stringify(body), timeoutMs, retries, backoffMs, signal });
    },
  };
}
