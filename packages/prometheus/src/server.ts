import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { checkListen, type CheckedListen, type HealthReport, type ListenOptions, type Listening } from './listen-options.js';
import type { Format } from './render.js';

export type { HealthReport, ListenOptions, Listening, Route, RouteHandler, StreamingRoute } from './listen-options.js';

/** Why the server closed a connection on its own (see ServeHooks.onClosed). */
export type CloseReason = 'write_timeout' | 'pipeline_limit';

export interface ServeHooks {
  /** A connection the server closed to bound what it holds. */
  onClosed?(reason: CloseReason, socket: Socket): void;
  /** An extra route's handler threw or rejected. */
  onRouteFailure?(path: string, error: unknown): void;
}

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const PLAIN = 'text/plain; charset=utf-8';
/** Requests one connection may have waiting behind the response in flight before it is closed. */
export const MAX_PIPELINED = 16;

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

/** The health report, or `critical` when it throws or has not settled within the timeout. */
async function healthWithin(o: CheckedListen): Promise<HealthReport> {
  if (o.health === undefined) return { status: 'healthy' };
  const health = o.health;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthReport>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ status: 'critical', error: `health check did not answer within ${o.healthTimeoutMs} ms` });
    }, o.healthTimeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => health(controller.signal)), timeout]);
  } catch (error) {
    return { status: 'critical', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

// The error went to the scrape span's exception event (or route_failure); the client learns nothing of it.
function failed(res: ServerResponse): void {
  if (!res.headersSent) send(res, 500, PLAIN, 'internal error\n', false);
  else res.destroy();
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0];
}

/** Serves GET /metrics, GET /health and the extra routes; see ListenOptions. */
export async function serve(render: (format: Format) => string | Promise<string>, options: ListenOptions = {}, hooks: ServeHooks = {}): Promise<Listening> {
  const o = checkListen(options);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = pathOf(req);
    const route = o.routes.get(path);
    if (path !== '/metrics' && path !== '/health' && route === undefined) return send(res, 404, PLAIN, 'not found\n', false);
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return send(res, 405, PLAIN, 'method not allowed\n', false, { Allow: 'GET, HEAD' });
    if (!authorized(req.headers.authorization, o.token)) {
      return send(res, 401, PLAIN, 'unauthorized\n', head, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    if (route !== undefined) {
      try {
        await route.handler(req, res);
      } catch (error) {
        hooks.onRouteFailure?.(path, error);
        throw error;
      }
      return;
    }
    if (path === '/health') {
      const report = await healthWithin(o);
      if (res.destroyed) return;
      return send(res, report.status === 'critical' ? 503 : 200, 'application/json; charset=utf-8', JSON.stringify(report), head);
    }
    const om = wantsOpenMetrics(req.headers.accept);
    const body = await render(om ? 'openmetrics' : 'text');
    if (res.destroyed) return;
    send(res, 200, om ? OPENMETRICS : TEXT, body, head);
  };

  // One response in flight: abandoned (and its connection closed) when the client has not taken
  // it within writeTimeoutMs. A streaming route's response is exempt: it stays open by design.
  const respond = (req: IncomingMessage, res: ServerResponse): void => {
    const socket = req.socket;
    if (socket.destroyed) return;
    if (o.routes.get(pathOf(req))?.streaming === true) return void handle(req, res).catch(() => failed(res));
    const timer = setTimeout(() => {
      hooks.onClosed?.('write_timeout', socket);
      socket.destroy();
    }, o.writeTimeoutMs);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    handle(req, res).catch(() => failed(res));
  };

  // Node queues the responses of pipelined requests behind the one in flight (such a response
  // has no socket yet). Each is rendered only when its turn comes, after the previous one was
  // handed to the kernel: one connection holds one body, however many requests it pipelines.
  const waiting = new WeakMap<Socket, number>();
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (res.socket !== null) return respond(req, res);
    const socket = req.socket;
    const queued = (waiting.get(socket) ?? 0) + 1;
    if (queued > MAX_PIPELINED) {
      if (!socket.destroyed) hooks.onClosed?.('pipeline_limit', socket);
      socket.destroy();
      return;
    }
    waiting.set(socket, queued);
    res.once('socket', () => {
      waiting.set(socket, (waiting.get(socket) ?? 1) - 1);
      respond(req, res);
    });
  };

  // Node checks the timeouts every connectionsCheckingInterval (30 s by default): check often
  // enough that a slow client is cut off close to its deadline.
  const checkEvery = Math.max(10, Math.min(1000, Math.floor(o.headersTimeoutMs / 4)));
  const server = createServer(
    { requestTimeout: o.requestTimeoutMs, headersTimeout: o.headersTimeoutMs, keepAliveTimeout: o.idleTimeoutMs, connectionsCheckingInterval: checkEvery },
    onRequest,
  );
  // A malformed request gets a 400 on its own connection, a request too slow to arrive a 408;
  // the server keeps serving the others.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : o.port;
  const urlHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${actualPort}`,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      })),
  };
}
