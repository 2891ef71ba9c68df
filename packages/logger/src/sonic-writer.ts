import { pino } from 'pino';
import { flushOnExit } from './exit-flush.js';
import { DropCounter, FailureEpisode, type LineWriter, type WriterReports } from './line-writer.js';
import { takeHeld } from './sonic-internals.js';
import { countLines, writeAllSync } from './sync-write.js';
import { cutTornLine } from './torn-line.js';

type SonicBoom = ReturnType<typeof pino.destination>;

function newlines(data: string): number {
  const n = countLines(data);
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
 *
 * A failed write (full disk) is kept by SonicBoom and retried with the next line; the failure is
 * reported once per episode. When the final write on `close()` fails too, or the exit flush
 * cannot write, the lines still held are counted as dropped and a torn last line is cut from the
 * file, so every line ends up in the file or in `dropped`.
 */
export class SonicWriter implements LineWriter {
  readonly #sonic: SonicBoom;
  #handed = 0;
  readonly #drops: DropCounter;
  readonly #episode: FailureEpisode;
  readonly #unregisterExit: () => void;
  #busy = false;
  #reportScheduled = false;
  #broken = false;
  #closing: Promise<void> | undefined;
  #waiters: (() => void)[] = [];

  /** `fd` is closed by `close()` unless it is 1 or 2 (SonicBoom never closes those). */
  constructor(
    private readonly fd: number,
    limit: number,
    private readonly ownsFd: boolean,
    reports: WriterReports,
  ) {
    this.#drops = new DropCounter(reports.onDrop);
    this.#episode = new FailureEpisode(reports.onWriteError);
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
    this.#sonic.on('write', () => this.#episode.succeeded());
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
      this.#episode.failed(error);
      this.#release();
    });
    // Registered after pino.destination() registered its own exit flush, but run before it.
    this.#unregisterExit = flushOnExit(this);
  }

  get written(): number {
    return this.#handed - this.#drops.total;
  }

  get dropped(): number {
    return this.#drops.total;
  }

  get failing(): boolean {
    return this.#episode.failing;
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
          this.#unregisterExit();
          if (this.#broken) return resolve();
          this.#sonic.once('close', () => resolve());
          // The final write failed: what is still held will never be written. Counted, then given up.
          this.#sonic.once('error', () => {
            this.#lose(takeHeld(this.#sonic), 0);
            this.#drops.report();
            this.#sonic.destroy();
            resolve();
          });
          this.#sonic.end();
        }),
    );
    return this.#closing;
  }

  /** The exit flush: writes what SonicBoom still holds with `fs.writeSync`, before pino's own exit flush (left nothing to do). */
  flushSync(): void {
    if (this.#closing !== undefined || this.#broken) return;
    const held = takeHeld(this.#sonic);
    if (held.length === 0) return;
    const { written, error } = writeAllSync(this.fd, held);
    if (error !== undefined) {
      this.#lose(held, written);
      this.#episode.failed(error);
    }
  }

  /** `bytes[0, written)` reached the file, the rest never will. */
  #lose(bytes: Buffer, written: number): void {
    this.#drops.total += countLines(bytes) - countLines(bytes, 0, written);
    if (this.ownsFd) cutTornLine(this.fd);
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
