import type { DestinationStream } from 'pino';
import type { SyncFlushable } from './exit-flush.js';

/** What a writer tells its owner. Both are called outside the emit path. */
export interface WriterReports {
  /** Lines were dropped since the last report (`count`), `total` in all. */
  readonly onDrop: (count: number, total: number) => void;
  /** A write failed after writes had been succeeding (or for the first time): once per episode. */
  readonly onWriteError: (error: NodeJS.ErrnoException) => void;
}

/**
 * Counts dropped lines and reports each new batch of them once through `onDrop`.
 *
 * ```ts
 * const drops = new DropCounter((count, total) => console.warn(`dropped ${count} (${total} in all)`));
 * drops.total += 3;
 * drops.report(); // dropped 3 (3 in all)
 * ```
 */
export class DropCounter {
  total = 0;
  #reported = 0;

  constructor(private readonly onDrop: WriterReports['onDrop']) {}

  report(): void {
    const count = this.total - this.#reported;
    if (count === 0) return;
    this.#reported = this.total;
    try {
      this.onDrop(count, this.total);
    } finally {
      // Lines dropped while reporting (the report itself, logged into a full buffer) are
      // counted but not reported again, or a full buffer would report forever.
      this.#reported = this.total;
    }
  }
}

/**
 * Tells apart the first failing write of an episode (reported) from the ones that follow it
 * (not reported) until a write succeeds again.
 */
export class FailureEpisode {
  #failing = false;

  constructor(private readonly onWriteError: WriterReports['onWriteError']) {}

  failed(error: NodeJS.ErrnoException): void {
    if (this.#failing) return;
    this.#failing = true;
    this.onWriteError(error);
  }

  succeeded(): void {
    this.#failing = false;
  }

  /** True from a failed write until a write succeeds. */
  get failing(): boolean {
    return this.#failing;
  }
}

/** Which writer carries lines to the file without `options.logger`. */
export type WriterKind = 'pino' | 'batch';

/**
 * A pino destination that never blocks the emitter, holds at most a bounded amount in memory,
 * and counts what it accepted and dropped. Both writers (`SonicWriter`, `BoundedBuffer`) are one.
 * After `close()` (or the exit flush), every line it was handed is either in the file or counted
 * in `dropped`.
 */
export interface LineWriter extends DestinationStream, SyncFlushable {
  /** Lines accepted for writing, less those that later failed to be written. */
  readonly written: number;
  /** Lines dropped: the buffer was full, a write failed, or the writer was closed. */
  readonly dropped: number;
  /** True from a failed write until a write succeeds. */
  readonly failing: boolean;
  /** Resolves once every line accepted so far is written (or failed); reports drops. */
  flush(): Promise<void>;
  /** Writes what is held, then closes the file if the writer owns it. Later lines are dropped. */
  close(): Promise<void>;
}
