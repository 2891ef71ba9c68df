import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly at: number;
}

/** What the server answers to request n (0-based). */
export type Answer = (n: number, res: ServerResponse) => void;

/** A real node:http server on 127.0.0.1 that records each request, then answers it with `answer`. */
export interface Peer {
  readonly url: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

export async function startPeer(answer: Answer): Promise<Peer> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = seen.length;
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString(), at: Date.now() });
      answer(n, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const status =
  (code: number, body = ''): Answer =>
  (_n, res) => {
    res.statusCode = code;
    res.end(body);
  };

/** Never answers (until the client gives up or the server closes). */
export const hang: Answer = () => undefined;

export interface Stream {
  /** Resolves with the bytes written once the client has closed the connection. */
  readonly closed: Promise<number>;
}

/**
 * Answers `code` with a body of `total` bytes (endless when Infinity), written as fast as the
 * client reads it; `closed` resolves when the client closes the connection, with the bytes written.
 */
export function streamBody(code: number, total: number): { answer: Answer; closed: Promise<number> } {
  let resolveClosed: (bytes: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => {
    resolveClosed = resolve;
  });
  const answer: Answer = (_n, res) => {
    const chunk = Buffer.alloc(64 * 1024, 'e');
    let sent = 0;
    res.writeHead(code, Number.isFinite(total) ? { 'content-type': 'text/plain', 'content-length': String(total) } : { 'content-type': 'text/plain' });
    const pump = (): void => {
      while (!res.destroyed && sent < total) {
        const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
        sent += piece.length;
        if (!res.write(piece)) return;
      }
      if (sent >= total) res.end();
    };
    res.on('drain', pump);
    res.on('close', () => resolveClosed(sent));
    pump();
  };
  return { answer, closed };
}
