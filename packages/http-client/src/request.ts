import { readBodyPrefix, BODY_PREFIX_BYTES } from './body-prefix.js';
import { HttpRequestError } from './http-error.js';
import { redact } from './redact.js';
import { checkHeaders, type HttpTarget } from './target.js';

export interface RequestOptions {
  /** e.g. `'POST'`, `'PUT'`. */
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Per attempt, for connecting, the answer and reading its body prefix. */
  readonly timeoutMs: number;
  /** Extra attempts after a network error, a timeout, 429 or 5xx (default 0); other statuses are final. */
  readonly retries?: number;
  /** Wait before retry n (1-based): `backoffMs * 2^(n-1)` (default 0). */
  readonly backoffMs?: number;
  /** Aborts the attempt in flight and any retry still to come (e.g. at shutdown). */
  readonly signal?: AbortSignal;
}

/** A 2xx answer. */
export interface HttpResponse {
  readonly status: number;
  /** The start of the body, at most `BODY_PREFIX_BYTES`; the rest was cancelled unread. */
  readonly body: string;
  readonly truncated: boolean;
  /** Attempts it took. */
  readonly attempts: number;
}

// How much of an error body goes into the error message; `HttpRequestError.body` keeps the prefix.
const MESSAGE_BODY_CHARS = 200;

/**
 * Sends one request to `target` (its credentials as the Authorization header unless `headers`
 * has one) and resolves on a 2xx answer; otherwise rejects with an `HttpRequestError` after the
 * last attempt. Any answer's body is read only up to `BODY_PREFIX_BYTES` (4 KiB); a longer or
 * endless one is cancelled there.
 *
 * ```ts
 * const target = httpTarget('http://127.0.0.1:9091/metrics/job/nightly', 'push', { showPath: true });
 * await request(target, { method: 'PUT', body: 'up 1\n', timeoutMs: 5000, retries: 2, backoffMs: 200 });
 * ```
 */
export async function request(target: HttpTarget, options: RequestOptions): Promise<HttpResponse> {
  checkOptions(target, options);
  const headers: Record<string, string> = { ...options.headers };
  if (target.authorization !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) headers.authorization = target.authorization;
  const attempts = (options.retries ?? 0) + 1;
  const backoffMs = options.backoffMs ?? 0;
  let reason = '';
  let status: number | undefined;
  let body = '';
  let made = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1 && backoffMs > 0) {
      if (!(await sleep(backoffMs * 2 ** (attempt - 2), options.signal))) break;
    }
    if (options.signal?.aborted === true) break;
    made = attempt;
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
    try {
      const res = await fetch(target.url, { method: options.method, headers, body: options.body, signal });
      const prefix = await readBodyPrefix(res.body, BODY_PREFIX_BYTES);
      if (res.ok) return { status: res.status, body: prefix.text, truncated: prefix.truncated, attempts: attempt };
      status = res.status;
      body = redact(prefix.text);
      const shown = body.slice(0, MESSAGE_BODY_CHARS).trim();
      reason = `HTTP ${res.status}${shown.length !== 0 ? `: ${shown}` : ''}`;
      if (res.status !== 429 && res.status < 500) break;
    } catch (error) {
      status = undefined;
      body = '';
      reason = describe(error, options.timeoutMs, timeout, options.signal);
    }
  }
  if (made === 0) reason = 'aborted before the first attempt';
  const tries = made === 1 ? '1 attempt' : `${made} attempts`;
  throw new HttpRequestError(redact(`${options.method} ${target.shown} failed after ${tries}: ${reason}`), made, redact(reason), status, body);
}

function checkOptions(target: HttpTarget, options: RequestOptions): void {
  if (target === null || typeof target !== 'object' || typeof target.url !== 'string' || typeof target.shown !== 'string') {
    throw new TypeError('request: target must come from httpTarget()');
  }
  if (options === null || typeof options !== 'object') throw new TypeError('request: options must be an object');
  if (typeof options.method !== 'string' || !/^[A-Z]+$/.test(options.method)) throw new TypeError(`request: method must be an upper-case HTTP method, got ${String(options.method)}`);
  if (typeof options.timeoutMs !== 'number' || !(options.timeoutMs > 0) || !Number.isFinite(options.timeoutMs)) {
    throw new TypeError(`request: timeoutMs must be a finite number > 0, got ${String(options.timeoutMs)}`);
  }
  const retries = options.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0) throw new TypeError(`request: retries must be an integer >= 0, got ${String(retries)}`);
  const backoffMs = options.backoffMs ?? 0;
  if (typeof backoffMs !== 'number' || !(backoffMs >= 0) || !Number.isFinite(backoffMs)) throw new TypeError(`request: backoffMs must be a finite number >= 0, got ${String(backoffMs)}`);
  checkHeaders(options.headers, 'request: headers');
  if (options.body !== undefined && typeof options.body !== 'string') throw new TypeError('request: body must be a string');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new TypeError('request: signal must be an AbortSignal');
}

function describe(error: unknown, timeoutMs: number, timeout: AbortSignal, outer: AbortSignal | undefined): string {
  if (outer?.aborted === true) return `aborted (${outer.reason instanceof Error ? outer.reason.message : String(outer.reason)})`;
  if (timeout.aborted) return `timed out after ${timeoutMs} ms`;
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
    const cause = (error as { cause?: unknown }).cause;
    const code = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : undefined;
    return code !== undefined ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted === true) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
