import type { DestinationStream } from 'pino';

/** What the writer tells its owner when lines were dropped since its last report. */
export type DropReport = (count: number, total: number) => void;

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

  constructor(private readonly onDrop: DropReport) {}

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

/** Which writer carries lines to the file without `options.logger`. */
export type WriterKind = 'pino' | 'batch';

/**
 * A pino destination that never blocks the emitter, holds at most a bounded amount in memory,
 * and counts what it accepted and dropped. Both writers (`SonicWriter`, `BoundedBuffer`) are one.
 */
export interface LineWriter extends DestinationStream {
  /** Lines accepted for writing. */
  readonly written: number;
  /** Lines dropped: the buffer was full, a write failed, or the writer was closed. */
  readonly dropped: number;
  /** Resolves once every line accepted so far is written; reports drops. */
  flush(): Promise<void>;
  /** Writes what is held, then closes the file if the writer owns it. Later lines are dropped. */
  close(): Promise<void>;
}
