import { DeliveryError } from './delivery-error.js';
import { displayUrl, redact } from './redact.js';

export interface PostOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Per attempt. */
  readonly timeoutMs: number;
  /** Extra attempts after the first. */
  readonly retries: number;
  /** Wait before retry n (1-based) is `backoffMs * 2^(n-1)`. */
  readonly backoffMs: number;
}

/**
 * POSTs `body` as JSON. Network errors, timeouts, 429 and 5xx are retried with exponential
 * backoff; other statuses are final. Throws a DeliveryError whose message shows the URL as
 * `displayUrl` does; credentials travel as a Basic Authorization header (fetch refuses them in
 * the URL anyway).
 */
export async function postJson(url: string, body: unknown, options: PostOptions): Promise<void> {
  const { target, authorization } = splitCredentials(url);
  const shown = displayUrl(url);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (authorization !== undefined && !hasHeader(headers, 'authorization')) headers.authorization = authorization;
  const payload = JSON.stringify(body);
  const attempts = options.retries + 1;
  let lastError = '';
  let lastStatus: number | undefined;
  let made = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(options.backoffMs * 2 ** (attempt - 2));
    made = attempt;
    try {
      const res = await fetch(target, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(options.timeoutMs) });
      // Drain the body so the connection goes back to the pool.
      const text = await res.text();
      if (res.ok) return;
      lastStatus = res.status;
      lastError = `HTTP ${res.status}${text.length !== 0 ? `: ${text.slice(0, 200).trim()}` : ''}`;
      if (res.status !== 429 && res.status < 500) break;
    } catch (error) {
      lastStatus = undefined;
      lastError = describeError(error, options.timeoutMs);
    }
  }
  throw new DeliveryError(redact(`POST ${shown} failed after ${made === 1 ? '1 attempt' : `${made} attempts`}: ${lastError}`), made, lastStatus);
}

function splitCredentials(url: string): { target: string; authorization?: string } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { target: url };
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { target: parsed.toString(), authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
    const cause = (error as { cause?: unknown }).cause;
    const code = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : undefined;
    return code !== undefined ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
