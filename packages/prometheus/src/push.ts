import { checkUrl, httpTarget, HttpRequestError, request, type HttpTarget } from '@rx-telemetry/http-client';

export interface PushOptions {
  /** The Pushgateway, e.g. 'http://127.0.0.1:9091'; `http://user:pass@host:9091` sends Basic auth. */
  readonly url: string;
  readonly job: string;
  readonly grouping?: Readonly<Record<string, string>>;
  /** Give up on the request after this many ms (default 10000). */
  readonly timeoutMs?: number;
}

/** A checked push: where to PUT, the URL as shown in events and errors, and the auth header. */
export interface PushTarget extends HttpTarget {
  readonly timeoutMs: number;
}

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// Pushgateway path segments: a value with '/' (or an empty one) goes base64url-encoded.
function segment(name: string, value: string): string {
  if (value === '' || value.includes('/')) {
    const b64 = Buffer.from(value).toString('base64url');
    return `${name}@base64/${b64 === '' ? '=' : b64}`;
  }
  return `${name}/${encodeURIComponent(value)}`;
}

/** The grouping key URL: /metrics/job/<job>[/<label>/<value>…]. */
export function pushUrl(options: PushOptions): string {
  if (options === null || typeof options !== 'object') throw new TypeError('push: options must be an object');
  const { url, job, grouping = {} } = options;
  checkUrl(url, 'push');
  if (typeof job !== 'string' || job.length === 0) throw new TypeError('push: job must be a non-empty string');
  let path = `/metrics/${segment('job', job)}`;
  for (const [k, v] of Object.entries(grouping)) {
    if (!LABEL.test(k) || k === 'job') throw new TypeError(`push: grouping label ${JSON.stringify(k)} is not a valid label name`);
    if (typeof v !== 'string') throw new TypeError(`push: grouping value of ${JSON.stringify(k)} must be a string`);
    path += `/${segment(k, v)}`;
  }
  return url.replace(/\/+$/, '') + path;
}

/**
 * Validates push options and takes credentials out of the URL (`httpTarget`): they travel as a
 * Basic Authorization header, and the URL shown anywhere has none.
 */
export function pushTarget(options: PushOptions): PushTarget {
  const full = pushUrl(options);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`push: timeoutMs must be a finite number > 0, got ${String(timeoutMs)}`);
  }
  return { ...httpTarget(full, 'push', { showPath: true }), timeoutMs };
}

/**
 * PUTs the text exposition (replacing the group); rejects with the gateway's answer on non-2xx.
 * The answer's body is read as a bounded prefix (`BODY_PREFIX_BYTES` of @rx-telemetry/http-client).
 */
export async function pushText(body: string, options: PushOptions | PushTarget): Promise<void> {
  const target = 'shown' in options ? options : pushTarget(options);
  const headers = { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' };
  try {
    await request(target, { method: 'PUT', headers, body, timeoutMs: target.timeoutMs });
  } catch (error) {
    if (!(error instanceof HttpRequestError)) throw error;
    const why = error.status !== undefined ? `${error.status} ${error.body.trim()}` : error.reason;
    throw new Error(`push to ${target.shown} failed: ${why}`);
  }
}
