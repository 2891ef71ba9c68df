import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * What travels with the async context: the correlation id and the innermost span.
 * One store for both, so a span costs one `AsyncLocalStorage.run`, not two.
 */
export interface ContextStore {
  readonly correlationId: string | undefined;
  readonly spanId: number | undefined;
}

export const storage = new AsyncLocalStorage<ContextStore>();

/** A fresh correlation id: 12 lowercase hex characters. */
export function newCorrelationId(): string {
  return randomBytes(6).toString('hex');
}

/**
 * Runs `fn` with a correlation id that every event emitted inside it, synchronously or after
 * `await`, timers and promise chains, carries. Without an id a random one is generated.
 *
 * ```ts
 * withCorrelation('req-42', async () => {
 *   await work();
 *   correlationId(); // 'req-42'
 * });
 * ```
 */
export function withCorrelation<T>(fn: () => T): T;
export function withCorrelation<T>(id: string, fn: () => T): T;
export function withCorrelation<T>(idOrFn: string | (() => T), maybeFn?: () => T): T {
  let id: string;
  let fn: (() => T) | undefined;
  if (typeof idOrFn === 'function') {
    id = newCorrelationId();
    fn = idOrFn;
  } else {
    if (typeof idOrFn !== 'string' || idOrFn.length === 0) {
      throw new TypeError('withCorrelation: the id must be a non-empty string');
    }
    id = idOrFn;
    fn = maybeFn;
  }
  if (typeof fn !== 'function') throw new TypeError('withCorrelation: fn must be a function');
  const parent = storage.getStore();
  return storage.run({ correlationId: id, spanId: parent?.spanId }, fn);
}

/** The correlation id active in the current async context, if any. */
export function correlationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** The id of the innermost `span()` active in the current async context, if any. */
export function currentSpanId(): number | undefined {
  return storage.getStore()?.spanId;
}

let spanSeq = 0;

/**
 * The next span id from the process-wide sequence `span()` uses. For packages that emit
 * span-shaped events by hand on a hot path (e.g. the WebGPU dispatch events), so their ids
 * never collide with core's.
 */
export function nextSpanId(): number {
  return ++spanSeq;
}
