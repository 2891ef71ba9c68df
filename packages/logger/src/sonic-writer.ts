import { pino } from 'pino';
import { DropCounter, type DropReport, type LineWriter } from './line-writer.js';

type SonicBoom = ReturnType<typeof pino.destination>;

function newlines(data: string): number {
  let n = 0;
  for (let i = data.indexOf('\n'); i !== -1; i = data.indexOf('\n', i + 1)) n++;
  // pino always ends a line with a newline; anything else still is one lost write.
  return n === 0 ? 1 : n;
}

/**
 * pino's own non-blocking destination: `pino.destination({ sync: false, maxLength })`, a
 * SonicBoom that starts an asynchronous `fs.write` as soon as a line arrives and, past
 * `maxLength` bytes held, drops the write and emits `'drop'` with it.
 *
 * SonicBoom's `flush(cb)` calls back at once when `minLength` is 0 (its default, which keeps
 * lines from waiting), so whether it is still writing is tracked here: a line it accepted makes
 * it busy, its `'drain'` (everything written) makes it idle. `flush()` waits for that drain,
 * never `flushSync()`, which would race the write already in flight and could reorder lines.
 */
export class SonicWriter implements LineWriter {
  readonly #sonic: SonicBoom;
  #handed = 0;
  readonly #drops: DropCounter;
  #busy = false;
  #reportScheduled = false;
  #broken = false;
  #closing: Promise<void> | undefined;
  #waiters: (() => void)[] = [];

  /** `fd` is closed by `close()` unless it is 1 or 2 (SonicBoom never closes those). */
  constructor(
    fd: number,
    limit: number,
    onDrop: DropReport,
  ) {
    this.#drops = new DropCounter(onDrop);
    this.#sonic = pino.destination({ dest: fd, sync: false, maxLength: limit });
    this.#sonic.on('drop', (data: string) => {
      this.#drops.total += newlines(data);
      // Reported once the destination has drained (room again), never on the emit path.
      if (!this.#busy && !this.#reportScheduled) {
        this.#reportScheduled = true;
        setImmediate(() => {
          this.#reportScheduled = false;
          if (!this.#busy) this.#drops.report();
        });
      }
    });
    this.#sonic.on('drain', () => {
      this.#busy = false;
      this.#drops.report();
      this.#release();
    });
    // Without a listener an error would be thrown out of SonicBoom. SonicBoom keeps the data and
    // retries it with the next write; waiters are released rather than left hanging.
    this.#sonic.on('error', (error: NodeJS.ErrnoException) => {
      // pino turns the stream into a no-op on EPIPE (the reader went away): it will never drain.
      if (error.code === 'EPIPE') this.#broken = true;
      this.#busy = false;
      this.#release();
    });
  }

  get written(): number {
    return this.#handed - this.#drops.total;
  }

  get dropped(): number {
    return this.#drops.total;
  }

  /** pino's destination interface: one serialized line, newline included. */
  write(line: string): boolean {
    this.#handed++;
    if (this.#closing !== undefined) {
      this.#drops.total++;
      return true;
    }
    const before = this.#drops.total;
    this.#sonic.write(line);
    // A dropped line starts no write: only an accepted one makes the destination busy.
    if (this.#drops.total === before) this.#busy = true;
    return true;
  }

  flush(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    if (!this.#busy || this.#broken) {
      this.#drops.report();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  close(): Promise<void> {
    this.#closing ??= this.flush().then(
      () =>
        new Promise<void>((resolve) => {
          if (this.#broken) return resolve();
          this.#sonic.once('close', () => resolve());
          // A write that fails while ending would leave end() waiting forever: give up the rest.
          this.#sonic.once('error', () => {
            this.#sonic.destroy();
            resolve();
          });
          this.#sonic.end();
        }),
    );
    return this.#closing;
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

}
