import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

export const SERVER = ['http', 'server', 'request'] as const;
export const CLIENT = ['http', 'client', 'request'] as const;
export const UNDICI = ['undici', 'request'] as const;
const SUFFIXES = ['start', 'stop', 'exception'];

/** A real node:http server on 127.0.0.1, port 0. */
export interface TestServer {
  readonly server: http.Server;
  readonly url: string;
  close(): Promise<void>;
}

export async function startServer(handler: http.RequestListener): Promise<TestServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fresh bus and a recorder of the three spans' events. */
export function busWithRecorder(prefixes: readonly (readonly string[])[] = [SERVER, CLIENT, UNDICI]) {
  const bus = new Telemetry();
  const seen = recordEvents(bus, prefixes.flatMap((p) => SUFFIXES.map((s) => [...p, s])));
  return { bus, seen };
}

/** `http.get` whose response body is read to the end; resolves the status code. */
export function httpGet(url: string, options: http.RequestOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, options, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Resolves once `check()` is true, polling every millisecond (events land after the response callback returns). */
export async function until(check: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}
