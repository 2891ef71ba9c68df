import { get, type IncomingMessage } from 'node:http';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export function fetchText(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

/** An open server-sent-event stream: its messages as they come, and whether the server ended it. */
export interface Stream {
  readonly status: number;
  readonly messages: { event: string; data: unknown }[];
  readonly ended: Promise<void>;
  next(count: number): Promise<void>;
  close(): void;
}

export function openStream(url: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      const messages: { event: string; data: unknown }[] = [];
      const waiters: { count: number; resolve: () => void }[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = 'message';
          let data: string | undefined;
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            if (line.startsWith('data: ')) data = line.slice(6);
          }
          if (data !== undefined) messages.push({ event, data: JSON.parse(data) });
        }
        for (const w of waiters.splice(0)) {
          if (messages.length >= w.count) w.resolve();
          else waiters.push(w);
        }
      });
      const ended = new Promise<void>((r) => res.on('end', r).on('close', r));
      resolve({
        status: res.statusCode ?? 0,
        messages,
        ended,
        next: (count) => (messages.length >= count ? Promise.resolve() : new Promise((r) => waiters.push({ count, resolve: r }))),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

/** Resolves once `predicate` holds, checking every turn of the event loop; fails after `ms`. */
export async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
