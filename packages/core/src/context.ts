import { AsyncLocalStorage, executionAsyncResource } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { formatTraceparent, parseTraceparent, type TraceContext, type TraceSource } from './trace-context.js';

/**
 * What travels with the async context: the correlation id and the innermost span (whose trace
 * context it can tell). One store for both, so a span costs one `AsyncLocalStorage.run`, not two.
 */
export interface ContextStore extends TraceSource {
  readonly correlationId: string | undefined;
  readonly spanId: number | undefined;
}

/** A store that is not a span: withCorrelation's, or withTraceparent's (a remote parent). */
class PlainStore implements ContextStore {
  constructor(
    readonly correlationId: string | undefined,
    readonly spanId: number | undefined,
    readonly outer: ContextStore | undefined,
    readonly remote: TraceContext | undefined,
  ) {}

  traceContext(): TraceContext | undefined {
    return this.remote ?? this.outer?.traceContext();
  }
}

// A span's start, stop and exception events are dispatched outside its own async context (stop
// runs after it): while they are, the trace context their handlers see is that span's. A property
// of a module-level object, not a module `let`: writing an exported-module binding on every span
// event measured ~15% of a span with two handlers; a property write is not measurable.
const dispatchState: { span: TraceSource | undefined } = { span: undefined };

/** Makes `span` the one whose trace context handlers see; returns the previous one to restore. */
export function enterDispatch(span: TraceSource | undefined): TraceSource | undefined {
  const outer = dispatchState.span;
  dispatchState.span = span;
  return outer;
}

/**
 * The W3C trace context of the innermost span (inside a span's callback, or in a handler of its
 * start/stop/exception events), or of a `withTraceparent` context; `undefined` outside both.
 * Ids are created on first read.
 */
export function currentTraceContext(): TraceContext | undefined {
  return (dispatchState.span ?? storage.getStore())?.traceContext();
}

/**
 * What `currentTraceContext()` would read, without making ids: the innermost span (or
 * `withTraceparent` context) as a `TraceSource`, for code that keeps a reference on a hot path and
 * reads ids later (exemplars: ids are made only if the exemplar is ever exposed). Keeping it
 * retains that span until the reference is dropped.
 */
export function currentTraceSource(): TraceSource | undefined {
  let source: TraceSource | undefined = dispatchState.span ?? storage.getStore();
  // A withCorrelation store carries no trace of its own: the one it continues, if any.
  while (source instanceof PlainStore && source.remote === undefined) source = source.outer;
  return source;
}

/** The current trace context as a `traceparent` header value, for outgoing requests. */
export function traceparent(): string | undefined {
  const ctx = currentTraceContext();
  return ctx === undefined ? undefined : formatTraceparent(ctx);
}

/**
 * Runs `fn` continuing the trace of an incoming `traceparent` header: spans started inside are
 * children of the remote span. An invalid or missing header is ignored (W3C: start a new trace),
 * never thrown.
 *
 * ```ts
 * http.createServer((req, res) => withTraceparent(req.headers.traceparent, () => handle(req, res)));
 * ```
 */
export function withTraceparent<T>(header: string | string[] | undefined, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('withTraceparent: fn must be a function');
  const remote = parseTraceparent(Array.isArray(header) ? header[0] : header);
  if (remote === undefined) return fn();
  const outer = storage.getStore();
  return storage.run(new PlainStore(outer?.correlationId, undefined, outer, remote), fn);
}

// `| undefined`: a span restores its outer context with `enterWith`, and outside any context that is none.
export const storage = new AsyncLocalStorage<ContextStore | undefined>();

/** The current async resource's slot for `storage`'s value (see contextSlot). */
export type ContextSlot = Record<symbol, ContextStore | undefined>;

// On Node 20 (and 22 without AsyncContextFrame) `getStore()` is `executionAsyncResource()[key]`
// and `enterWith(s)` is `executionAsyncResource()[key] = s` once the storage is enabled, `key`
// being the storage's own `kResourceStore` symbol (not public API). A span needs all three (its
// parent, entering, restoring) on one resource, since its callback returns to the resource it was
// called on. Reading the resource once instead of three times (each `executionAsyncResource()`
// looks the resource up; getStore and enterWith check `enabled`) measured, as span / TracingChannel
// peer in one process, medians of interleaved runs: realistic 0.84 -> 0.745 (6 runs each) and
// 0.874 -> 0.743 (5 each), clean 0.80 -> 0.67 and 0.743 -> 0.628; CPU time of two clean processes
// sharing one core 0.95-0.97x. Used only once a span entered through `enterWith` showed that
// `enterWith` wrote exactly there (verifyContextSlot): any other layout (AsyncContextFrame, a
// changed Node) keeps the public path.
const RESOURCE_KEY: unknown = (storage as unknown as { kResourceStore?: unknown }).kResourceStore;
let slotVerified = false;
let slotChecked = false;

/** The current async resource, to read and write `storage`'s value on directly; undefined until that is known to be what getStore/enterWith do. */
export function contextSlot(): ContextSlot | undefined {
  return slotVerified ? (executionAsyncResource() as ContextSlot) : undefined;
}

/** The key of `storage`'s value on a ContextSlot. */
export const SLOT_KEY = RESOURCE_KEY as symbol;

/** Called right after `storage.enterWith(store)`, once: whether that wrote `store` where contextSlot() reads it. */
export function verifyContextSlot(store: ContextStore): void {
  if (slotChecked) return;
  slotChecked = true;
  slotVerified = typeof RESOURCE_KEY === 'symbol' && storage.getStore() === store && (executionAsyncResource() as ContextSlot)[RESOURCE_KEY] === store;
}

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
  return storage.run(new PlainStore(id, parent?.spanId, parent, undefined), fn);
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

/**
 * Makes `span` (from `startSpan`/`spanEvent().start`) the current span for the rest of the current
 * synchronous execution and every async continuation created from it, the way
 * `AsyncLocalStorage.enterWith` does: spans started there become its children and carry its
 * correlation id. For instrumentation that opens a span where it cannot wrap the code that
 * follows (a request handler Node calls after publishing a diagnostics channel); code that can
 * wrap should use `span()`/`spanEvent().run()`, whose context ends with the callback. A no-op
 * span (nobody observing) changes nothing.
 */
export function enterSpan(span: TraceSource & { readonly spanId: number }): void {
  if (span.spanId === 0 || !('correlationId' in span)) return;
  storage.enterWith(span as ContextStore);
}
