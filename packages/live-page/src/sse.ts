import type { IncomingMessage, ServerResponse } from 'node:http';

/** A client that has not taken this much is cut off (its browser reconnects and starts afresh). */
const MAX_BACKLOG_BYTES = 1 << 20;

/** Server-sent events to a bounded set of clients. */
export class SseHub {
  /** Clients refused (over maxClients) or cut off (too slow). */
  refused = 0;
  cut = 0;
  readonly #clients = new Set<ServerResponse>();
  readonly #max: number;
  #closed = false;

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Opens a stream; `first` is the first message (the full state). */
  open(req: IncomingMessage, res: ServerResponse, first: () => unknown): void {
    if (this.#closed || this.#clients.size >= this.#max) {
      this.refused++;
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5' });
      res.end(this.#closed ? 'stopped\n' : `too many live clients (at most ${this.#max})\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.write(`retry: 2000\nevent: state\ndata: ${JSON.stringify(first())}\n\n`);
    this.#clients.add(res);
    const drop = (): void => void this.#clients.delete(res);
    res.once('close', drop);
    req.once('close', drop);
  }

  /** Sends one message to every client; a client too far behind is cut off. */
  send(message: unknown): void {
    if (this.#clients.size === 0) return;
    const data = `data: ${JSON.stringify(message)}\n\n`;
    for (const res of this.#clients) {
      if (res.writableLength > MAX_BACKLOG_BYTES) {
        this.cut++;
        this.#clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(data);
    }
  }

  /** Ends every stream; new ones are refused. */
  close(): void {
    this.#closed = true;
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }
}
