import type { RouteOf } from './server-requests.js';

/** What `bridgeDiagnostics` turns into events; every channel is left alone unless chosen. */
export interface DiagnosticsOptions {
  /** node:http(s) requests as spans (default true): `true` both sides, or `{ server, client }`. */
  readonly http?: boolean | { readonly server?: boolean; readonly client?: boolean };
  /** undici requests, every `fetch` included, as spans (default true). */
  readonly fetch?: boolean;
  /** `net.client.socket` and `net.server.socket` as events (default false). */
  readonly net?: boolean;
  /** `worker_threads` creation and exit as events (default false). */
  readonly workers?: boolean;
  /**
   * The correlation id's header (default `'x-request-id'`): a server request's id is taken from it
   * when valid, and `propagate` sends the id in it on outgoing fetch requests; `false`: neither
   * (every server request gets a fresh id).
   */
  readonly correlationHeader?: string | false;
  /** Continue an incoming W3C `traceparent` header in server spans (default true). */
  readonly traceparent?: boolean;
  /**
   * Headers added to every outgoing `fetch` (undici) request (default true: both): `traceparent`
   * (the request's client span, so the next service's spans join this trace) and the correlation
   * id in `correlationHeader`; `{ traceparent, correlationId }` adds only those set to true. A header
   * the request already has is never replaced. Needs `fetch`; node:http requests get none (Node
   * publishes their start after the headers are sent).
   */
  readonly propagate?: boolean | { readonly traceparent?: boolean; readonly correlationId?: boolean };
  /** The route of a finished server request (`/users/:id`), added to its stop event; keep it low-cardinality. */
  readonly route?: RouteOf;
  /** Requests traced at once, all kinds together (default 10,000); beyond it a request goes untraced and is counted. */
  readonly maxOpenRequests?: number;
}

/** The options resolved and checked. */
export interface ResolvedOptions {
  readonly server: boolean;
  readonly client: boolean;
  readonly fetch: boolean;
  readonly net: boolean;
  readonly workers: boolean;
  readonly correlationHeader: string | false;
  readonly traceparent: boolean;
  /** What outgoing fetch requests get: the `traceparent` header, and the header the correlation id goes in (undefined: none). */
  readonly propagateTraceparent: boolean;
  readonly propagateCorrelation: string | undefined;
  readonly route: RouteOf | undefined;
  readonly maxOpenRequests: number;
}

const KEYS = ['http', 'fetch', 'net', 'workers', 'correlationHeader', 'traceparent', 'propagate', 'route', 'maxOpenRequests'];
const HINTS: Readonly<Record<string, string>> = { undici: 'fetch', worker_threads: 'workers', workerThreads: 'workers', server: 'http: { server }', client: 'http: { client }' };

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`bridgeDiagnostics: options.${name} must be a boolean`);
  return value;
}

/** Checks the options (a wiring mistake is a TypeError naming it) and fills in the defaults. */
export function resolveOptions(options: DiagnosticsOptions | undefined): ResolvedOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) throw new TypeError('bridgeDiagnostics: options must be an object');
  const o = options ?? {};
  for (const key of Object.keys(o)) {
    if (!KEYS.includes(key)) {
      const hint = HINTS[key];
      throw new TypeError(`bridgeDiagnostics: unknown option '${key}'${hint === undefined ? '' : ` (did you mean ${hint}?)`}; known: ${KEYS.join(', ')}`);
    }
  }
  let server = true;
  let client = true;
  if (typeof o.http === 'object' && o.http !== null) {
    for (const key of Object.keys(o.http)) if (key !== 'server' && key !== 'client') throw new TypeError(`bridgeDiagnostics: unknown option 'http.${key}'; known: server, client`);
    server = flag(o.http.server, 'http.server', false);
    client = flag(o.http.client, 'http.client', false);
  } else if (o.http !== undefined) {
    server = client = flag(o.http, 'http', true);
  }
  const header = o.correlationHeader;
  if (header !== undefined && header !== false && (typeof header !== 'string' || !/^[!#$%&'*+.^_`|~0-9a-zA-Z-]+$/.test(header))) {
    throw new TypeError('bridgeDiagnostics: options.correlationHeader must be a header name or false');
  }
  const correlationHeader = header === undefined ? 'x-request-id' : header === false ? false : header.toLowerCase();
  const fetch = flag(o.fetch, 'fetch', true);
  const propagate = resolvePropagate(o.propagate, fetch, correlationHeader);
  if (o.route !== undefined && typeof o.route !== 'function') throw new TypeError('bridgeDiagnostics: options.route must be a function');
  const max = o.maxOpenRequests ?? 10_000;
  if (!Number.isInteger(max) || max < 1) throw new TypeError('bridgeDiagnostics: options.maxOpenRequests must be a positive integer');
  const resolved: ResolvedOptions = {
    server,
    client,
    fetch,
    net: flag(o.net, 'net', false),
    workers: flag(o.workers, 'workers', false),
    correlationHeader,
    traceparent: flag(o.traceparent, 'traceparent', true),
    propagateTraceparent: propagate.traceparent,
    propagateCorrelation: propagate.correlation,
    route: o.route,
    maxOpenRequests: max,
  };
  if (!resolved.server && !resolved.client && !resolved.fetch && !resolved.net && !resolved.workers) {
    throw new TypeError('bridgeDiagnostics: nothing to bridge (http, fetch, net and workers are all off)');
  }
  return resolved;
}

/**
 * `propagate`: true (the default) is both headers where they can go; an object names the ones
 * wanted. Asking for it explicitly without `fetch`, or for the correlation id with
 * `correlationHeader: false`, is a wiring mistake.
 */
function resolvePropagate(value: DiagnosticsOptions['propagate'], fetch: boolean, header: string | false): { traceparent: boolean; correlation: string | undefined } {
  if (value === undefined) return fetch ? { traceparent: true, correlation: header === false ? undefined : header } : { traceparent: false, correlation: undefined };
  let traceparent: boolean;
  let correlationId: boolean;
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) if (key !== 'traceparent' && key !== 'correlationId') throw new TypeError(`bridgeDiagnostics: unknown option 'propagate.${key}'; known: traceparent, correlationId`);
    traceparent = flag(value.traceparent, 'propagate.traceparent', false);
    correlationId = flag(value.correlationId, 'propagate.correlationId', false);
    if (correlationId && header === false) throw new TypeError('bridgeDiagnostics: options.propagate.correlationId needs a correlationHeader to send the id in (it is false)');
  } else {
    traceparent = correlationId = flag(value, 'propagate', true);
    correlationId &&= header !== false;
  }
  if ((traceparent || correlationId) && !fetch) throw new TypeError('bridgeDiagnostics: options.propagate adds headers to fetch requests and needs fetch: true (node:http requests have sent theirs when Node publishes)');
  return { traceparent, correlation: correlationId && header !== false ? header : undefined };
}
