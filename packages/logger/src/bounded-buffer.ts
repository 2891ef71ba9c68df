import { close, write } from 'node:fs';
import { DropCounter, type DropReport, type LineWriter } from './line-writer.js';

const EAGAIN_RETRY_MS = 5;

/**
 * The `'batch'` writer: a pino destination that never blocks the emitter and never grows past `limit` characters.
 *
 * pino hands it one line per `write`; lines are appended to an array and written as one joined
 * batch with an asynchronous `fs.write` on the next turn of the event loop, one batch at a time.
 * A line that would take the held characters (buffered plus being written) past `limit` is
 * dropped and counted. Measured here against pino's own `sync: false` SonicBoom, which re-measures
 * the byte length of its tail chunk on every write: ~1 µs per line against ~2.5–4.4 µs.
 */
export class BoundedBuffer implements LineWriter {
  #lines: string[] = [];
  #held = 0;
  #writing = false;
  #scheduled = false;
  #closed = false;
  #written = 0;
  readonly #drops: DropCounter;
  #waiters: (() => void)[] = [];

  constructor(
    readonly fd: number,
    readonly limit: number,
    private readonly ownsFd: boolean,
    onDrop: DropReport,
  ) {
    this.#drops = new DropCounter(onDrop);
  }

  get written(): number {
    return this.#written;
  }

  get dropped(): number {
    return this.#drops.total;
  }

  /** pino's destination interface: one serialized line, newline included. */
  write(line: string): boolean {
    if (this.#closed || this.#held + line.length > this.limit) {
      this.#drops.total++;
      return true;
    }
    this.#lines.push(line);
    this.#held += line.length;
    this.#written++;
    if (!this.#writing && !this.#scheduled) {
      this.#scheduled = true;
      // A burst emitted in one tick becomes one batch.
      setImmediate(this.#pump);
    }
    return true;
  }

  /** Resolves once every line accepted so far is written. */
  flush(): Promise<void> {
    if (!this.#writing && !this.#scheduled && this.#lines.length === 0) {
      this.#drops.report();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Writes what is held, then closes the file if this buffer opened it. Later lines are dropped. */
  async close(): Promise<void> {
    await this.flush();
    if (this.#closed) return;
    this.#closed = true;
    if (this.ownsFd) await new Promise<void>((resolve) => close(this.fd, () => resolve()));
  }

  readonly #pump = (): void => {
    this.#scheduled = false;
    if (this.#lines.length === 0) {
      this.#writing = false;
      this.#drops.report();
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) w();
      return;
    }
    this.#writing = true;
    const lines = this.#lines;
    this.#lines = [];
    const text = lines.join('');
    this.#writeAll(Buffer.from(text), 0, lines.length, text.length);
  };

  #writeAll(bytes: Buffer, offset: number, lineCount: number, chars: number): void {
    write(this.fd, bytes, offset, bytes.length - offset, null, (error, n) => {
      if (error) {
        // A non-blocking stdout pipe that is full: try again shortly, nothing is lost.
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          setTimeout(() => this.#writeAll(bytes, offset, lineCount, chars), EAGAIN_RETRY_MS);
          return;
        }
        // The batch cannot be written (disk full, closed fd): its lines count as dropped.
        this.#written -= lineCount;
        this.#drops.total += lineCount;
      } else if (offset + n < bytes.length) {
        this.#writeAll(bytes, offset + n, lineCount, chars);
        return;
      }
      this.#held -= chars;
      this.#pump();
    });
  }
}
