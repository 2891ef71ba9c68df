import { displayUrl, redact } from './redact.js';

/** A checked destination: where to send, how to show it, and the credentials taken out of it. */
export interface HttpTarget {
  /** The URL to send to, without credentials (fetch refuses URLs that carry them). */
  readonly url: string;
  /** The URL as events, logs and errors show it, never with credentials; see `HttpTargetOptions.showPath`. */
  readonly shown: string;
  /** `Basic …` built from the URL's `user:pass@`, or undefined when it has none. */
  readonly authorization: string | undefined;
}

export interface HttpTargetOptions {
  /**
   * Show the whole URL without its credentials (default false: scheme, host and port only, the
   * credentials as `***@`, then `/…`, as `displayUrl` does, because webhook paths are often the
   * secret). A Pushgateway's grouping path is no secret and worth seeing.
   */
  readonly showPath?: boolean;
}

/**
 * Checks that `url` is an absolute http or https URL; otherwise a TypeError starting with
 * `what`, never echoing credentials. Returns it parsed.
 *
 * ```ts
 * checkUrl('ftp://u:pw@x', 'push'); // TypeError: push: url must be an http(s) URL, got ftp://***@x
 * ```
 */
export function checkUrl(url: unknown, what: string): URL {
  if (typeof url !== 'string') throw new TypeError(`${what}: url must be a string, got ${url === null ? 'null' : typeof url}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${what}: invalid url ${JSON.stringify(redact(url))}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`${what}: url must be an http(s) URL, got ${redact(url)}`);
  return parsed;
}

/**
 * Checks `url` (see `checkUrl`) and moves its credentials into a Basic Authorization header.
 *
 * ```ts
 * const t = httpTarget('https://bot:s3cret@hooks.example.com/T0/xyz', 'webhookHandler');
 * t.url;           // 'https://hooks.example.com/T0/xyz'
 * t.shown;         // 'https://***@hooks.example.com/…'
 * t.authorization; // 'Basic Ym90OnMzY3JldA=='
 * ```
 */
export function httpTarget(url: unknown, what: string, options: HttpTargetOptions = {}): HttpTarget {
  const parsed = checkUrl(url, what);
  let authorization: string | undefined;
  if (parsed.username !== '' || parsed.password !== '') {
    const user = decodeURIComponent(parsed.username);
    const pass = decodeURIComponent(parsed.password);
    authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
  }
  const clean = parsed.toString();
  const shown = options.showPath === true ? clean : displayUrl(url as string);
  return Object.freeze({ url: clean, shown, authorization });
}

/**
 * Checks request headers when they are configured rather than when they are sent: an object of
 * string values, valid names, no CR, LF or NUL (header injection). Returns them.
 */
export function checkHeaders(value: unknown, what: string): Readonly<Record<string, string>> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${what} must be an object of strings`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new TypeError(`${what}.${k} must be a string`);
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(k)) throw new TypeError(`${what}: ${JSON.stringify(k)} is not a valid header name`);
    if (/[\r\n\0]/.test(v)) throw new TypeError(`${what}.${k} must not contain CR, LF or NUL`);
  }
  return value as Readonly<Record<string, string>>;
}
