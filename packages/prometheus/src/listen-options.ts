import type { IncomingMessage, ServerResponse } from 'node:http';

/** What `health()` resolves to: `critical` answers 503, anything else 200. */
export type HealthReport = { status: 'healthy' | 'degraded' | 'critical' } & Record<string, unknown>;

/**
 * Answers one GET (or HEAD) request of an extra route (a returned promise is awaited). It owns the response: write and end it, or
 * keep it open (a streaming route). A throw or rejection answers 500 when nothing was sent yet,
 * else closes the connection, and is reported as `['telemetry','prometheus','route_failure']`.
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** A route whose responses may stay open (Server-Sent Events): exempt from `writeTimeoutMs`. */
export interface StreamingRoute {
  readonly handler: RouteHandler;
  readonly streaming: true;
}

/** An extra route: a handler under the same bounds as /metrics, or a streaming one. */
export type Route = RouteHandler | StreamingRoute;

export interface ListenOptions {
  /** Default 9464. 0 picks a free port. */
  readonly port?: number;
  /** Default '127.0.0.1': nothing outside the host can scrape unless told otherwise. */
  readonly host?: string;
  /** When set, every request must carry `Authorization: Bearer <token>` (else 401). */
  readonly token?: string;
  /** Answers GET /health; without it /health says `{"status":"healthy"}`. The signal aborts at healthTimeoutMs. */
  readonly health?: (signal: AbortSignal) => Promise<HealthReport> | HealthReport;
  /** /health answers 503 when `health()` has not settled within this (default 5000 ms). */
  readonly healthTimeoutMs?: number;
  /** A client must send its request headers within this (default 5000 ms), else 408. */
  readonly headersTimeoutMs?: number;
  /** … and its whole request within this (default 10000 ms, at least headersTimeoutMs), else 408. */
  readonly requestTimeoutMs?: number;
  /** A response the client has not taken within this (default 30000 ms) is abandoned and its connection closed. */
  readonly writeTimeoutMs?: number;
  /** A kept-alive connection with no request for this long is closed (default 5000 ms). */
  readonly idleTimeoutMs?: number;
  /**
   * Extra GET routes served by the same server, by exact path (query ignored), e.g.
   * `{ '/': (req, res) => res.end('hi'), '/events': { streaming: true, handler } }`. They share the
   * token, the method rules and every bound of /metrics; `/metrics` and `/health` cannot be replaced.
   */
  readonly routes?: Readonly<Record<string, Route>>;
}

export interface Listening {
  readonly url: string;
  /** Stops accepting, closes every connection (open sockets included). Idempotent. */
  close(): Promise<void>;
}

export interface CheckedListen {
  readonly port: number;
  readonly host: string;
  readonly token: Buffer | undefined;
  readonly health: ((signal: AbortSignal) => Promise<HealthReport> | HealthReport) | undefined;
  readonly healthTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly routes: ReadonlyMap<string, StreamingRoute | { readonly handler: RouteHandler; readonly streaming: false }>;
}

function checkRoutes(routes: ListenOptions['routes']): CheckedListen['routes'] {
  const out = new Map<string, StreamingRoute | { readonly handler: RouteHandler; readonly streaming: false }>();
  if (routes === undefined) return out;
  if (routes === null || typeof routes !== 'object') throw new TypeError('listen: routes must be an object of path -> handler');
  for (const [path, route] of Object.entries(routes)) {
    if (!path.startsWith('/') || path.includes('?') || path.includes('#')) throw new TypeError(`listen: route ${JSON.stringify(path)} must be a path starting with '/', without query or fragment`);
    if (path === '/metrics' || path === '/health') throw new TypeError(`listen: route ${path} is the reporter's own; choose another path`);
    if (typeof route === 'function') out.set(path, { handler: route, streaming: false });
    else if (route !== null && typeof route === 'object' && typeof route.handler === 'function' && route.streaming === true) out.set(path, { handler: route.handler, streaming: true });
    else throw new TypeError(`listen: route ${path} must be a function (req, res) or { handler, streaming: true }`);
  }
  return out;
}

function ms(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new TypeError(`listen: ${what} must be a positive integer of ms, got ${String(v)}`);
  return v;
}

/** ListenOptions validated, defaults filled in; a TypeError naming the problem otherwise. */
export function checkListen(options: ListenOptions): CheckedListen {
  if (options === null || typeof options !== 'object') throw new TypeError('listen: options must be an object');
  const port = options.port ?? 9464;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`listen: port must be an integer 0..65535, got ${String(port)}`);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) throw new TypeError('listen: host must be a non-empty string');
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token.length === 0)) throw new TypeError('listen: token must be a non-empty string');
  if (options.health !== undefined && typeof options.health !== 'function') throw new TypeError('listen: health must be a function');
  const headersTimeoutMs = ms('headersTimeoutMs', options.headersTimeoutMs ?? 5_000);
  const requestTimeoutMs = ms('requestTimeoutMs', options.requestTimeoutMs ?? Math.max(10_000, headersTimeoutMs));
  if (requestTimeoutMs < headersTimeoutMs) throw new TypeError('listen: requestTimeoutMs must be at least headersTimeoutMs');
  return {
    port,
    host,
    token: options.token === undefined ? undefined : Buffer.from(options.token),
    health: options.health,
    healthTimeoutMs: ms('healthTimeoutMs', options.healthTimeoutMs ?? 5_000),
    headersTimeoutMs,
    requestTimeoutMs,
    writeTimeoutMs: ms('writeTimeoutMs', options.writeTimeoutMs ?? 30_000),
    idleTimeoutMs: ms('idleTimeoutMs', options.idleTimeoutMs ?? 5_000),
    routes: checkRoutes(options.routes),
  };
}
