import type { Observable } from 'rxjs';
import { timeMeasurements } from './clock.js';
import { HandlerExistsError } from './errors.js';
import type { EventHandle } from './event-handle.js';
import { assertEventName, invalidNameReason } from './event-limits.js';
import { describe, startsWith, type EventName, type Measurements, type Metadata } from './event-name.js';
import type { EventNode, HandlerEntry } from './event-node.js';
import { EventTrie, prune } from './event-trie.js';
import { SpanResolver } from './span-resolver.js';
import type { SpanEventImpl } from './span-events.js';
import type { AttachOptions, Handler, HandlerInfo } from './handler.js';
import { EMPTY_METADATA, NodeHandle, type Dispatch } from './handles.js';
import { NodeCompiler, UNROLLED, type DispatchHost } from './node-dispatch.js';
import { HealthChecks, type HealthCheck } from './health-checks.js';
import { Lifecycle, type ShutdownOptions, type ShutdownReport, type SignalOptions } from './lifecycle.js';
import { stackOf } from './live-span.js';
import { NOOP_SPAN, type OpenSpan } from './open-span.js';
import type { SpanContextHook, SpanContextOptions } from './span-context.js';
import type { SpanEvent } from './span-event.js';
import { SpanHooks } from './span-hooks.js';
import { NOOP_SCOPE, type SpanScope } from './span-scope.js';
import { Streams } from './streams.js';
import { checkWrongBus, probing, registerBus } from './wrong-bus.js';
import type { TelemetryEvent } from './telemetry-event.js';

/** Emitted when a handler, an `events()` consumer or a span-context hook throws (or rejects). */
export const HANDLER_FAILURE_EVENT: EventName = Object.freeze(['telemetry', 'handler', 'failure']);
/** Emitted (at most once a second, with the count so far) when `emit` or `span` got an invalid or too long name and skipped it. */
export const INVALID_NAME_EVENT: EventName = Object.freeze(['telemetry', 'bus', 'invalid_name']);

// Bounds failure reports that trigger further failures (handlers attached with onFailure: 'keep').
const MAX_FAILURE_DEPTH = 4;

/**
 * The event bus: `:telemetry` for TypeScript. Handlers attach to exact event names and run
 * synchronously in attach order; `events(pattern)` exposes the same emissions as RxJS.
 *
 * This file holds the handler registry and dispatch (the hot path, readable in one screen). The
 * name trie (event-trie.ts), span resolution and events (span-resolver.ts, span-events.ts,
 * live-span.ts), span-context hooks (span-hooks.ts), streams (streams.ts), the lifecycle
 * (lifecycle.ts) and health-check registration (health-checks.ts) live in files of their own;
 * a handle's dispatch code is made in node-dispatch.ts. What remains past ~300 lines here is the
 * public facade, one documented delegating method per public operation, kept on the class so
 * `Telemetry` stays the one place users read, and the failure recovery the dispatch code calls
 * back into (it needs the registry's private state).
 *
 * ```ts
 * const bus = new Telemetry();
 * bus.attach('log', ['db', 'query', 'stop'], (event, m, md) => console.log(md.table, m.duration));
 * bus.span(['db', 'query'], { table: 'users' }, () => runQuery());
 * ```
 */
export class Telemetry {
  readonly #trie = new EventTrie();
  readonly #root = this.#trie.root;
  readonly #byId = new Map<string, HandlerEntry[]>();
  readonly #dispatchFn: Dispatch = (node, name, m, md) => this.#dispatch(node, name, m, md);
  readonly #dispatchHost: DispatchHost = {
    observe: (result, entry, node) => this.#observe(result, entry, node),
    recover: (handlers, entry, error, node, name, m, md) => {
      this.#handlerFailed(entry, node, error);
      this.#callHandlers(handlers, handlers.indexOf(entry) + 1, node, name, m, md);
      if (node.streams.length !== 0) this.#streams.deliver(node.streams, name, m, md);
    },
    rest: (handlers, node, name, m, md) => this.#callHandlers(handlers, UNROLLED, node, name, m, md),
    deliver: (streams, name, m, md) => this.#streams.deliver(streams, name, m, md),
  };
  readonly #compiler = new NodeCompiler(this.#dispatchHost, EMPTY_METADATA);
  readonly #streams = new Streams({
    walk: (visit) => this.#trie.walk(visit),
    reportFailure: (id, event, error) => this.#reportFailure(id, event, undefined, error),
  });
  readonly #hooks = new SpanHooks((event, error) => this.#reportFailure('span-context', event, undefined, error));
  readonly #spans = new SpanResolver({
    bus: this,
    trie: this.#trie,
    streams: this.#streams,
    hooks: this.#hooks,
    dispatch: this.#dispatchFn,
    reportFailure: (event, error) => this.#reportFailure('span', event, undefined, error),
    dispatchHost: this.#dispatchHost,
    skipInvalid: (name, reason) => this.#skipInvalid(name, reason),
  });
  readonly #lifecycle = new Lifecycle((event, m, md) => this.emit(event, m, md));
  readonly #health = new HealthChecks();
  #failureDepth = 0;
  #invalidNames = 0;
  #invalidReportedAt = -Infinity;

  constructor() {
    this.#trie.useStreams(this.#streams);
    registerBus(this, false);
  }

  // ---- handlers -------------------------------------------------------------------------

  attach<C>(id: string, event: EventName, handler: Handler<C>, config?: C, options?: AttachOptions): void {
    this.attachMany(id, [event], handler, config, options);
  }

  attachMany<C>(id: string, events: EventName[], handler: Handler<C>, config?: C, options?: AttachOptions): void {
    if (typeof id !== 'string' || id.length === 0) throw new TypeError(`handler id must be a non-empty string, got ${describe(id)}`);
    if (!Array.isArray(events) || events.length === 0) throw new TypeError('events must be a non-empty array of event names');
    for (const event of events) assertEventName(event);
    if (typeof handler !== 'function') throw new TypeError(`handler must be a function, got ${describe(handler)}`);
    const onFailure = options?.onFailure ?? 'detach';
    if (onFailure !== 'detach' && onFailure !== 'keep') {
      throw new TypeError(`options.onFailure must be 'detach' or 'keep', got ${describe(onFailure)}`);
    }
    if (this.#byId.has(id)) throw new HandlerExistsError(id);
    const entries: HandlerEntry[] = [];
    for (const event of events) {
      const node = this.#trie.nodeFor(event);
      if (entries.some((e) => e.event === node.name)) continue;
      const entry: HandlerEntry = { id, event: node.name, handler: handler as Handler<unknown>, config, keep: onFailure === 'keep' };
      entries.push(entry);
      node.handlers = [...node.handlers, entry];
      node.refresh();
    }
    this.#byId.set(id, entries);
  }

  /** Detaches every (id, event) pair of `id`. False when the id is unknown. */
  detach(id: string): boolean {
    const entries = this.#byId.get(id);
    if (entries === undefined) return false;
    // All or nothing: the hot path stops calling the handler before the registry forgets it, so
    // a detach cut short (a stack overflow in a re-emitting handler) is completed by the next try.
    for (const entry of entries) this.#unlink(entry);
    this.#byId.delete(id);
    return true;
  }

  /** Every (id, event) pair whose event starts with `prefix` (all when omitted), in attach order. */
  listHandlers(prefix: EventName = []): HandlerInfo[] {
    if (prefix.length !== 0) assertEventName(prefix, 'prefix');
    const out: HandlerInfo[] = [];
    for (const entries of this.#byId.values()) {
      for (const { id, event, handler, config } of entries) {
        if (startsWith(event, prefix)) out.push({ id, event, handler, config });
      }
    }
    return out;
  }

  /** True when at least one handler is attached to exactly this event. */
  hasHandlers(event: EventName): boolean {
    const node = this.#trie.lookup(event);
    return node !== undefined && node.handlers.length !== 0;
  }

  // ---- emitting -------------------------------------------------------------------------

  /**
   * Runs every handler of `event`; never throws because of one. A name nobody listens to
   * creates nothing; an invalid one (not an array of non-empty strings, or over the limits of
   * `MAX_NAME_SEGMENTS`/`MAX_NAME_CHARACTERS`) is skipped and counted, never thrown.
   */
  emit(event: EventName, measurements: Measurements, metadata: Metadata = EMPTY_METADATA): void {
    if (!Array.isArray(event)) return this.#skipInvalid(event);
    let node = this.#root;
    for (let i = 0; i < event.length; i++) {
      const next = node.children.get(event[i]);
      if (next === undefined) return this.#emitUnbound(event, measurements, metadata);
      node = next;
    }
    if (node.active) this.#dispatch(node, event, measurements, metadata);
    else if (event.length === 0) this.#skipInvalid(event);
  }

  /** A handle for `name`: emits without a name lookup; `active` tells whether anyone listens. */
  event(name: EventName): EventHandle {
    assertEventName(name);
    return this.#handle(name);
  }

  /** Emits skipped because their name was invalid or too long. */
  get invalidNames(): number {
    return this.#invalidNames;
  }

  #handle(name: EventName): NodeHandle {
    const node = this.#trie.pin(name);
    node.code ??= this.#compiler.compile(node);
    return new NodeHandle(node, node.code, this.#dispatchFn);
  }

  #emitUnbound(event: EventName, measurements: Measurements, metadata: Metadata): void {
    const reason = invalidNameReason(event);
    if (reason !== undefined) return this.#skipInvalid(event, reason);
    if (this.#streams.entries.length !== 0) this.#streams.deliverUnbound(event, measurements, metadata);
    else if (probing) checkWrongBus(this, event);
  }

  #skipInvalid(event: unknown, reason = invalidNameReason(event) ?? 'invalid'): void {
    this.#invalidNames++;
    const t = performance.now();
    if (t - this.#invalidReportedAt < 1000 || this.#failureDepth !== 0) return;
    this.#invalidReportedAt = t;
    this.#failureDepth++;
    try {
      this.emit(INVALID_NAME_EVENT, { count: this.#invalidNames }, { reason });
    } finally {
      this.#failureDepth--;
    }
  }

  // A node with a handle runs its own code (node-dispatch.ts), also when emitted by name; the
  // others run the shared loop, which makes no code per name (compiling the nodes emitted by name
  // after 100 dispatches made a call site rotating over 1,000 names 1.5-4x slower: every node's code
  // warms up on its own, and the call into it is megamorphic).
  #dispatch(node: EventNode, name: EventName, measurements: Measurements, metadata: Metadata): void {
    const code = node.code;
    if (code !== undefined) return code.dispatch(name, measurements, metadata);
    this.#callHandlers(node.handlers, 0, node, name, measurements, metadata);
    const streams = node.streams;
    if (streams.length !== 0) this.#streams.deliver(streams, name, measurements, metadata);
  }

  #callHandlers(handlers: readonly HandlerEntry[], from: number, node: EventNode, name: EventName, measurements: Measurements, metadata: Metadata): void {
    for (let i = from; i < handlers.length; i++) {
      const h = handlers[i];
      try {
        const result = h.handler(name, measurements, metadata, h.config) as unknown;
        // An async handler's rejection is a failure like a throw, never an unhandled rejection.
        if (result !== undefined) this.#observe(result, h, node);
      } catch (error) {
        this.#handlerFailed(h, node, error);
      }
    }
  }

  #observe(result: unknown, entry: HandlerEntry, node: EventNode): void {
    if (typeof result === 'object' && result !== null && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, (error: unknown) => this.#handlerFailed(entry, node, error));
    }
  }

  #handlerFailed(entry: HandlerEntry, node: EventNode, error: unknown): void {
    if (!entry.keep) this.#detachEntry(entry);
    // A failing handler of the failure event itself is detached but not reported: no loop.
    if (sameName(node.name, HANDLER_FAILURE_EVENT)) return;
    this.#reportFailure(entry.id, node.name, entry.config, error);
  }

  // A failing handler is detached from all its events. The registry forgets it last, so a
  // detach cut short by a stack overflow is completed by the failure handling of an outer frame.
  #detachEntry(entry: HandlerEntry): void {
    const entries = this.#byId.get(entry.id);
    this.#unlink(entry);
    if (entries === undefined || !entries.includes(entry)) return;
    for (const other of entries) this.#unlink(other);
    this.#byId.delete(entry.id);
  }

  #unlink(entry: HandlerEntry): void {
    const node = this.#trie.lookup(entry.event);
    if (node === undefined || !node.handlers.includes(entry)) return;
    node.handlers = node.handlers.filter((h) => h !== entry);
    node.refresh();
    prune(node);
  }

  #reportFailure(handlerId: string, event: EventName, config: unknown, error: unknown): void {
    if (this.#failureDepth >= MAX_FAILURE_DEPTH) return;
    this.#failureDepth++;
    try {
      this.emit(HANDLER_FAILURE_EVENT, timeMeasurements(), { handlerId, event, config, error, stacktrace: stackOf(error) });
    } finally {
      this.#failureDepth--;
    }
  }

  // ---- spans ----------------------------------------------------------------------------

  /**
   * Emits `[...prefix, 'start']`, runs `fn`, then emits `[...prefix, 'stop']` with its duration,
   * or `[...prefix, 'exception']` and rethrows. A promise result is awaited the same way. The
   * callback always runs exactly once and the caller sees its own result or error: a telemetry
   * failure (hostile metadata, a throwing hook) is reported, never thrown.
   */
  span<T>(prefix: EventName, metadata: Metadata, fn: (scope: SpanScope) => T): T {
    // The cached case inline (a prefix something is attached under): V8 does not inline the
    // resolver's call into this path, and the call measured ~7% of a span.
    let node: EventNode | undefined = Array.isArray(prefix) && prefix.length !== 0 ? this.#root : undefined;
    for (let i = 0; node !== undefined && i < prefix.length; i++) node = node.children.get(prefix[i]);
    const ev = (node?.span as SpanEventImpl | undefined) ?? this.#spans.resolve(prefix);
    if (ev === undefined) {
      if (typeof fn !== 'function') throw new TypeError('span: fn must be a function');
      return fn(NOOP_SCOPE);
    }
    return ev.run(metadata, fn);
  }

  /** Resolves a span prefix once (see SpanEvent): the fast path for hot code and for spans opened by hand. */
  spanEvent(prefix: EventName): SpanEvent {
    assertEventName(prefix, 'span prefix');
    return this.#spans.handle(this.#trie.pin(prefix));
  }

  /** Opens a span by hand (see OpenSpan): `spanEvent(prefix).start(metadata, startTime)`. */
  startSpan(prefix: EventName, metadata?: Metadata, startTime?: number): OpenSpan {
    const ev = this.#spans.resolve(prefix);
    return ev === undefined ? NOOP_SPAN : ev.start(metadata, startTime);
  }

  /**
   * Registers a hook that every span callback runs inside (see SpanContextHook). While one is
   * registered, spans run their full path even when nobody listens. Returns an unregister
   * function. Several hooks nest in registration order. `options.onEnd` learns how each span
   * ended and `options.onStart` about spans opened by hand (see SpanContextOptions).
   */
  bindSpanContext(hook: SpanContextHook, options?: SpanContextOptions): () => void {
    return this.#hooks.bind(hook, options);
  }

  // ---- streams --------------------------------------------------------------------------

  /**
   * Every emission whose name matches `pattern` (a prefix; `'*'` matches any one segment), as an
   * RxJS Observable. Nothing is paid on the emit path while nobody subscribes; a consumer that
   * throws (or whose async callback rejects) is unsubscribed and reported, never crashes the process.
   */
  events(pattern: EventName = []): Observable<TelemetryEvent> {
    return this.#streams.events(pattern);
  }

  // ---- lifecycle ------------------------------------------------------------------------

  /**
   * Registers a part attached to this bus: `shutdown()` runs `stop` (reverse registration
   * order). Returns the part's idempotent stop: the first call runs `stop` and unregisters it,
   * every call returns the same promise. See docs/lifecycle.md.
   *
   * ```ts
   * this.stop = bus.manage('my-reporter', async () => { bus.detach(id); await flush(); });
   * ```
   */
  manage(name: string, stop: () => Promise<void> | void): () => Promise<void> {
    return this.#lifecycle.manage(name, stop);
  }

  /** Registers a flush that `shutdown()` runs. Returns a function that unregisters it. */
  onShutdown(flush: () => Promise<void> | void, options?: { readonly name?: string }): () => void {
    return this.#lifecycle.onShutdown(flush, options);
  }

  /**
   * Stops every registered part, last registered first, one after another, under one deadline
   * (default 10 s). A failing stop is reported as `['telemetry','shutdown','failure']` and the
   * others still run; parts still stopping at the deadline are abandoned and reported as
   * `['telemetry','shutdown','timeout']`. Never rejects; concurrent calls share one run.
   * Emitting afterwards is harmless: whatever stopped has detached.
   */
  shutdown(options?: ShutdownOptions): Promise<ShutdownReport> {
    return this.#lifecycle.shutdown(options);
  }

  /**
   * On the first SIGINT or SIGTERM (or `options.signals`), runs `shutdown()` once, then lets the
   * signal end the process with its usual exit code. Returns a function that removes the handlers.
   */
  shutdownOnSignals(options?: SignalOptions): () => void {
    return this.#lifecycle.shutdownOnSignals(options);
  }

  // ---- health checks --------------------------------------------------------------------

  /** Registers a health check that health evaluators of this bus run (`@rx-telemetry/health`). Returns an unregister function. */
  addHealthCheck(name: string, check: HealthCheck): () => void {
    return this.#health.add(name, check);
  }

  /** The health checks registered on this bus, by name (a copy). */
  healthChecks(): ReadonlyMap<string, HealthCheck> {
    return this.#health.all;
  }
}

function sameName(a: EventName, b: EventName): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
