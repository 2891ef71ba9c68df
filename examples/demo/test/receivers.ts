import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An OTLP/HTTP trace receiver: the JSON bodies it got. */
export async function otlpReceiver(): Promise<{ url: string; spans: () => { name: string; attributes: Record<string, unknown> }[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      try {
        bodies.push(JSON.parse(body));
      } catch {
        bodies.push(body);
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  type Body = { resourceSpans?: { scopeSpans?: { spans?: { name: string; attributes?: { key: string; value: Record<string, unknown> }[] }[] }[] }[] };
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans: () =>
      (bodies as Body[]).flatMap((b) =>
        (b.resourceSpans ?? []).flatMap((r) =>
          (r.scopeSpans ?? []).flatMap((s) => (s.spans ?? []).map((sp) => ({ name: sp.name, attributes: Object.fromEntries((sp.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]])) }))),
        ),
      ),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A UDP socket standing in for a StatsD server: the lines it got. */
export async function statsdReceiver(): Promise<{ address: string; lines: string[]; close(): void }> {
  const socket: Socket = createSocket('udp4');
  const lines: string[] = [];
  socket.on('message', (m) => lines.push(...m.toString().split('\n').filter(Boolean)));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${(socket.address() as AddressInfo).port}`, lines, close: () => socket.close() };
}
