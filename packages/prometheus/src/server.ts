import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Format } from './render.js';

/** What `health()` resolves to: `critical` answers 503, anything else 200. */
export type HealthReport = { status: 'healthy' | 'degraded' | 'critical' } & Record<string, unknown>;

export interface ListenOptions {
  /** Default 9464. 0 picks a free port. */
  readonly port?: number;
  /** Default '127.0.0.1': nothing outside the host can scrape unless told otherwise. */
  readonly host?: string;
  /** When set, every request must carry `Authorization: Bearer <token>` (else 401). */
  readonly token?: string;
  /** Answers GET /health; without it /health says `{"status":"healthy"}`. */
  readonly health?: () => Promise<HealthReport>;
  /** A client must send its request headers within this (default 5000 ms), else 408. */
  readonly headersTimeoutMs?: number;
  /** … and its whole request within this (default 10000 ms, at least headersTimeoutMs), else 408. */
  readonly requestTimeoutMs?: number;
}

export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** OpenMetrics when the Accept header lists it with a non-zero q (Prometheus 2.42 asks for it first). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((x) => x.trim());
    if (type !== 'application/openmetrics-text') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

function authorized(header: string | undefined, expected: Buffer | undefined): boolean {
  if (expected === undefined) return true;
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  const got = Buffer.from(header.slice(7));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...extra });
  res.end(head ? undefined : body);
}

/** Serves GET /metrics and GET /health; see ListenOptions. */
export async function serve(render: (format: Format) => string, options: ListenOptions = {}): Promise<Listening> {
  if (options === null || typeof options !== 'object') throw new TypeError('listen: options must be an object');
  const port = options.port ?? 9464;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`listen: port must be an integer 0..65535, got ${String(port)}`);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) throw new TypeError('listen: host must be a non-empty string');
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token.length === 0)) throw new TypeError('listen: token must be a non-empty string');
  if (options.health !== undefined && typeof options.health !== 'function') throw new TypeError('listen: health must be a function');
  const headersTimeout = options.headersTimeoutMs ?? 5_000;
  const requestTimeout = options.requestTimeoutMs ?? Math.max(10_000, headersTimeout);
  for (const [what, v] of [['headersTimeoutMs', headersTimeout], ['requestTimeoutMs', requestTimeout]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new TypeError(`listen: ${what} must be a positive integer of ms, got ${String(v)}`);
  }
  if (requestTimeout < headersTimeout) throw new TypeError('listen: requestTimeoutMs must be at least headersTimeoutMs');
  const expected = options.token === undefined ? undefined : Buffer.from(options.token);
  const health = options.health;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' && path !== '/health') return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', false);
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', false, { Allow: 'GET, HEAD' });
    if (!authorized(req.headers.authorization, expected)) {
      return send(res, 401, 'text/plain; charset=utf-8', 'unauthorized\n', head, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    if (path === '/health') {
      let report: HealthReport;
      try {
        report = health === undefined ? { status: 'healthy' } : await health();
      } catch (error) {
        report = { status: 'critical', error: error instanceof Error ? error.message : String(error) };
      }
      return send(res, report.status === 'critical' ? 503 : 200, 'application/json; charset=utf-8', JSON.stringify(report), head);
    }
    const om = wantsOpenMetrics(req.headers.accept);
    send(res, 200, om ? OPENMETRICS : TEXT, render(om ? 'openmetrics' : 'text'), head);
  };

  // Node checks the timeouts every connectionsCheckingInterval (30 s by default): check often
  // enough that a slow client is cut off close to its deadline.
  const checkEvery = Math.max(10, Math.min(1000, Math.floor(headersTimeout / 4)));
  const server = createServer({ requestTimeout, headersTimeout, keepAliveTimeout: 5_000, connectionsCheckingInterval: checkEvery }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `${error instanceof Error ? error.message : String(error)}\n`, false);
      else res.destroy();
    });
  });
  // A malformed request gets a 400 on its own connection, a request too slow to arrive a 408;
  // the server keeps serving the others.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
