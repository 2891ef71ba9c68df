import type { EventName, Measurements, Metadata } from './event-name.js';

/** Emitted once for each part whose stop threw or rejected during `shutdown()`. */
export const SHUTDOWN_FAILURE_EVENT: EventName = Object.freeze(['telemetry', 'shutdown', 'failure']);
/** Emitted once when `shutdown()`'s deadline passed with parts still stopping; they are abandoned. */
export const SHUTDOWN_TIMEOUT_EVENT: EventName = Object.freeze(['telemetry', 'shutdown', 'timeout']);

/** Default deadline of `shutdown()`: long enough for a final push or a delivery retry, short enough for a SIGTERM grace period. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

export interface ShutdownOptions {
  /** Milliseconds for all parts together; what has not stopped by then is abandoned and reported. Default 10,000. */
  readonly timeoutMs?: number;
}

/** What `shutdown()` resolves with: the parts by name, in the order they were stopped. */
export interface ShutdownReport {
  readonly stopped: readonly string[];
  readonly failed: readonly { readonly name: string; readonly error: unknown }[];
  /** Parts still stopping when the deadline passed (and the ones never started because of it). */
  readonly abandoned: readonly string[];
}

export interface SignalOptions extends ShutdownOptions {
  /** Default `['SIGINT', 'SIGTERM']`. */
  readonly signals?: readonly NodeJS.Signals[];
}

interface Part {
  readonly name: string;
  readonly stop: () => Promise<void> | void;
}

type Emit = (event: EventName, measurements: Measurements, metadata: Metadata) => void;

/**
 * The one lifecycle of a bus: every part that attaches to it registers its stop here, and
 * `shutdown()` stops them all in reverse registration order, so producers created after the
 * aggregator they feed stop first, and an exporter created after the store takes its final
 * reading while the store is still open.
 */
export class Lifecycle {
  readonly #parts: Part[] = [];
  readonly #emit: Emit;
  #running: Promise<ShutdownReport> | undefined = undefined;
  #seq = 0;

  constructor(emit: Emit) {
    this.#emit = emit;
  }

  onShutdown(flush: () => Promise<void> | void, options?: { readonly name?: string }): () => void {
    if (typeof flush !== 'function') throw new TypeError('onShutdown: flush must be a function');
    const name = options?.name;
    if (name !== undefined && (typeof name !== 'string' || name.length === 0)) throw new TypeError('onShutdown: options.name must be a non-empty string');
    const part: Part = { name: name ?? `flush#${++this.#seq}`, stop: flush };
    this.#parts.push(part);
    return () => {
      const i = this.#parts.indexOf(part);
      if (i !== -1) this.#parts.splice(i, 1);
    };
  }

  manage(name: string, stop: () => Promise<void> | void): () => Promise<void> {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('manage: name must be a non-empty string');
    if (typeof stop !== 'function') throw new TypeError('manage: stop must be a function');
    let done: Promise<void> | undefined;
    let unregister: (() => void) | undefined = undefined;
    const once = (): Promise<void> => {
      if (done === undefined) {
        unregister?.();
        done = (async () => stop())();
      }
      return done;
    };
    unregister = this.onShutdown(once, { name });
    return once;
  }

  shutdown(options?: ShutdownOptions): Promise<ShutdownReport> {
    const timeoutMs = options?.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) throw new TypeError(`shutdown: timeoutMs must be a positive number, got ${String(timeoutMs)}`);
    // Concurrent calls share one run; a call after it finished stops whatever registered since.
    this.#running ??= this.#run(timeoutMs).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(timeoutMs: number): Promise<ShutdownReport> {
    const parts = this.#parts.splice(0).reverse();
    const stopped: string[] = [];
    const failed: { name: string; error: unknown }[] = [];
    const deadline = performance.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const left = deadline - performance.now();
      let outcome: 'ok' | 'late' | { error: unknown };
      if (left <= 0) outcome = 'late';
      else {
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), left);
        });
        outcome = await Promise.race([
          (async () => part.stop())().then(
            () => 'ok' as const,
            (error: unknown) => ({ error }),
          ),
          late,
        ]);
        clearTimeout(timer);
      }
      if (outcome === 'ok') stopped.push(part.name);
      else if (outcome === 'late') {
        const abandoned = parts.slice(i).map((p) => p.name);
        this.#emit(SHUTDOWN_TIMEOUT_EVENT, { timeoutMs, abandoned: abandoned.length }, { parts: abandoned });
        return { stopped, failed, abandoned };
      } else {
        failed.push({ name: part.name, error: outcome.error });
        const error = outcome.error;
        this.#emit(SHUTDOWN_FAILURE_EVENT, { count: failed.length }, { part: part.name, error, stacktrace: error instanceof Error ? (error.stack ?? String(error)) : String(error) });
      }
    }
    return { stopped, failed, abandoned: [] };
  }

  shutdownOnSignals(options?: SignalOptions): () => void {
    const signals = options?.signals ?? (['SIGINT', 'SIGTERM'] as const);
    if (!Array.isArray(signals) || signals.length === 0) throw new TypeError('shutdownOnSignals: signals must be a non-empty array of signal names');
    const timeoutMs = options?.timeoutMs;
    let fired = false;
    const remove = (): void => {
      for (const s of signals) process.removeListener(s, onSignal);
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      if (fired) return;
      fired = true;
      void this.shutdown(timeoutMs === undefined ? undefined : { timeoutMs }).finally(() => {
        remove();
        // With our listener gone, the same signal now does what it would have done without us:
        // the default action ends the process with the usual 128 + n status. Another listener
        // the application installed keeps the process in its own hands.
        process.kill(process.pid, signal);
      });
    };
    for (const s of signals) process.on(s, onSignal);
    return remove;
  }
}
