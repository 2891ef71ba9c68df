/** Something holding lines that must reach its file even when the process exits abruptly. */
export interface SyncFlushable {
  /** Writes what is held with synchronous calls; counts what cannot be written. Never throws. */
  flushSync(): void;
}

const writers = new Set<SyncFlushable>();

function flushAll(): void {
  for (const w of writers) {
    try {
      w.flushSync();
    } catch {
      // One writer's failure must not keep the others from flushing, nor crash the exit.
    }
  }
}

/**
 * Flushes `writer` synchronously on `process.exit()` (and a natural exit), the way pino's own
 * destination does, ahead of other exit listeners. Returns a function that unregisters it.
 * One process listener for all writers; none while there are none.
 */
export function flushOnExit(writer: SyncFlushable): () => void {
  if (writers.size === 0) process.prependListener('exit', flushAll);
  writers.add(writer);
  return () => {
    if (!writers.delete(writer)) return;
    if (writers.size === 0) process.removeListener('exit', flushAll);
  };
}
