/**
 * One measurement the poller runs every period. `poll` emits its own events; it may be async.
 * If it throws or rejects the poller drops it and reports it once.
 */
export interface Source {
  readonly name: string;
  poll(): void | Promise<void>;
  /** Releases what the source holds (observers, histograms, child processes). */
  stop?(): void;
}

/** Thrown by a source whose facility does not exist here (no nvidia-smi): dropped silently. */
export class SourceUnavailable extends Error {
  override readonly name = 'SourceUnavailable';
}
