import type { Observable, Subscriber } from 'rxjs';
import { now, toNs, toSystemMs } from './clock.js';
import { nextSpanId, storage, type ContextStore } from './context.js';
import { HandlerExistsError } from './errors.js';
import type { EventHandle } from './event-handle.js';
import { assertEventName, describe, startsWith, type EventName, type Measurements, type Metadata } from './event-name.js';
import { EventNode, type HandlerEntry, type SpanNodes, type StreamEntry } from './event-node.js';
import { EventStream } from './event-stream.js';
import type { AttachOptions, Handler, HandlerInfo } from './handler.js';
import { matches } from './pattern.js';
import type { SpanContextHook, SpanContextInfo, SpanContextOptions, SpanEndInfo } from './span-context.js';
import { NOOP_SCOPE, Scope, type SpanScope } from './span-scope.js';
import type { TelemetryEvent } from './telemetry-event.js';

/** Emitted when a handler or an `events()` consumer throws. */
export const HANDLER_FAILURE_EVENT: EventName = Object.freeze(['telemetry', 'handler', 'failure']);

const EMPTY_METADATA: Metadata = Object.freeze({});
// Bounds failure reports that trigger further failures (handlers attached with onFailure: 'keep').
const MAX_FAILURE_DEPTH = 4;


/**
 * The event bus: `:telemetry` for TypeScript. Handlers attach to exact event names and run
 * synchronously in attach order; `events(pattern)` exposes the same emissions as RxJS.
 *
 * ```ts
 * const bus = new Telemetry();
 * bus.attach('log', ['db', 'query', 'stop'], (event, m, md) => console.log(md.table, m.duration));
 * bus.span(['db', 'query'], { table: 'users' }, () => runQuery());
 * ```
 */
export class Telemetry {
  readonly #root = new EventNode(Object.freeze([]) as EventName);
  readonly #byId = new Map<string, HandlerEntry[]>();
  #streams: readonly StreamEntry[] = [];
  readonly #flushes = new Set<() => Promise<void> | void>();
  #hooks: SpanContextHook | undefined = undefined;
  #onEnds: readonly ((end: SpanEndInfo) => void)[] = [];
  readonly #hookList: {
    readonly hook: SpanContextHook;
    readonly onEnd: ((end: SpanEndInfo) => void) | undefined;
    readonly onStart: ((span: SpanContextInfo) => void) | undefined;
  }[] = [];
  #onStarts: readonly ((span: SpanContextInfo) => void)[] = [];
  #failureDepth = 0;

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
      const node = this.#nodeFor(event);
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
    this.#byId.delete(id);
    for (const entry of entries) {
      const node = this.#lookup(entry.event);
      if (node === undefined) continue;
      node.handlers = node.handlers.filter((h) => h !== entry);
      node.refresh();
    }
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
    const node = this.#lookup(event);
    return node !== undefined && node.handlers.length !== 0;
  }

  // ---- emitting -------------------------------------------------------------------------

  /** Runs every handler of `event`; never throws because of one. */
  emit(event: EventName, measurements: Measurements, metadata: Metadata = EMPTY_METADATA): void {
    let node = this.#root;
    for (let i = 0; i < event.length; i++) {
      const next = node.children.get(event[i]);
      if (next === undefined) {
        // Unknown names create nothing unless a stream may want them.
        if (this.#streams.length === 0) return;
        node = this.#nodeFor(event);
        break;
      }
      node = next;
    }
    if (node.active) this.#dispatch(node, event, measurements, metadata);
  }

  /** A handle for `name`: emits without a name lookup; `active` tells whether anyone listens. */
  event(name: EventName): EventHandle {
    assertEventName(name);
    return new Handle(this.#nodeFor(name), this);
  }

  /** @internal the hot path shared by `emit` and handles. */
  _dispatch(node: EventNode, name: EventName, measurements: Measurements, metadata: Metadata): void {
    this.#dispatch(node, name, measurements, metadata);
  }

  #dispatch(node: EventNode, name: EventName, measurements: Measurements, metadata: Metadata): void {
    const handlers = node.handlers;
    for (let i = 0; i < handlers.length; i++) {
      const h = handlers[i];
      try {
        h.handler(name, measurements, metadata, h.config);
      } catch (error) {
        this.#handlerFailed(h, node, error);
      }
    }
    const streams = node.streams;
    if (streams.length !== 0) this.#deliver(streams, name, measurements, metadata);
  }

  #deliver(streams: readonly StreamEntry[], name: EventName, measurements: Measurements, metadata: Metadata): void {
    const event: TelemetryEvent = { name, measurements, metadata, correlationId: storage.getStore()?.correlationId };
    for (let i = 0; i < streams.length; i++) {
      try {
        streams[i].subscriber.next(event);
      } catch (error) {
        // EventStream guards consumers; this only catches a failing custom Subscriber.
        this.#reportFailure(`events(${streams[i].pattern.join('.')})`, name, undefined, error);
      }
    }
  }

  #handlerFailed(entry: HandlerEntry, node: EventNode, error: unknown): void {
    if (!entry.keep) this.detach(entry.id);
    // A failing handler of the failure event itself is detached but not reported: no loop.
    if (node.name === this.#failureNode().name) return;
    this.#reportFailure(entry.id, node.name, entry.config, error);
  }

  #reportFailure(handlerId: string, event: EventName, config: unknown, error: unknown): void {
    if (this.#failureDepth >= MAX_FAILURE_DEPTH) return;
    this.#failureDepth++;
    try {
      const t = now();
      this.emit(
        HANDLER_FAILURE_EVENT,
        { monotonicTime: toNs(t), systemTime: toSystemMs(t) },
        { handlerId, event, config, error, stacktrace: error instanceof Error ? error.stack ?? String(error) : String(error) },
      );
    } finally {
      this.#failureDepth--;
    }
  }

  #failureNode(): EventNode {
    return this.#nodeFor(HANDLER_FAILURE_EVENT);
  }

  // ---- spans ----------------------------------------------------------------------------

  /**
   * Emits `[...prefix, 'start']`, runs `fn`, then emits `[...prefix, 'stop']` with its duration,
   * or `[...prefix, 'exception']` and rethrows. A promise result is awaited the same way.
   */
  span<T>(prefix: EventName, metadata: Metadata, fn: (scope: SpanScope) => T): T {
    const nodes = this.#spanNodes(prefix);
    // Idle is free: nobody listens and no context hook wants spans.
    if (nodes === undefined || (!nodes.start.active && !nodes.stop.active && !nodes.exception.active && this.#hooks === undefined)) {
      if (typeof fn !== 'function') throw new TypeError('span: fn must be a function');
      return fn(NOOP_SCOPE);
    }
    if (typeof fn !== 'function') throw new TypeError('span: fn must be a function');
    const parent = storage.getStore();
    const spanId = nextSpanId();
    const parentSpanId = parent?.spanId;
    const correlationId = parent?.correlationId;
    // Our ids go first and the caller's metadata is spread after them: V8 clones a spread-first
    // literal fast but falls to a ~0.5 µs slow path when properties follow the spread.
    const startMeta: Record<string, unknown> =
      parentSpanId === undefined
        ? correlationId === undefined
          ? { spanId, ...metadata }
          : { spanId, correlationId, ...metadata }
        : correlationId === undefined
          ? { spanId, parentSpanId, ...metadata }
          : { spanId, parentSpanId, correlationId, ...metadata };
    // The ids are authoritative even if the caller's metadata had keys of the same names.
    if (metadata.spanId !== undefined) reassertIds(startMeta, spanId, parentSpanId, correlationId);
    const t0 = now();
    const monotonicTime = toNs(t0);
    if (nodes.start.active) this.#dispatch(nodes.start, nodes.start.name, { monotonicTime, systemTime: toSystemMs(t0) }, startMeta);
    // The scope doubles as the async-context store: one allocation instead of two.
    const scope = new Scope(spanId, correlationId);
    const store: ContextStore = scope;
    let result: T;
    try {
      result =
        this.#hooks === undefined
          ? storage.run(store, fn, scope)
          : storage.run(store, this.#hooks, spanInfo(prefix, spanId, parentSpanId, correlationId, startMeta, monotonicTime, t0), () => fn(scope));
    } catch (error) {
      this.#spanException(nodes, t0, startMeta, scope, error);
      throw error;
    }
    if (isPromiseLike(result)) {
      return result.then(
        (value) => {
          this.#spanStop(nodes, t0, startMeta, scope);
          return value;
        },
        (error: unknown) => {
          this.#spanException(nodes, t0, startMeta, scope, error);
          throw error;
        },
      ) as T;
    }
    this.#spanStop(nodes, t0, startMeta, scope);
    return result;
  }

  #spanStop(nodes: SpanNodes, t0: number, startMeta: Metadata, scope: Scope): void {
    const t1 = now();
    if (this.#onEnds.length !== 0) this.#spanEnded(nodes.stop.name, scope, t0, t1, false, undefined);
    if (!nodes.stop.active) return;
    const duration = toNs(t1 - t0);
    const monotonicTime = toNs(t1);
    let measurements: Measurements;
    if (scope.measurements === undefined) measurements = { duration, monotonicTime };
    else {
      const merged: Record<string, number> = { duration, monotonicTime, ...scope.measurements };
      merged.duration = duration;
      merged.monotonicTime = monotonicTime;
      measurements = merged;
    }
    const metadata = scope.metadata === undefined ? startMeta : { ...startMeta, ...scope.metadata };
    this.#dispatch(nodes.stop, nodes.stop.name, measurements, metadata);
  }

  #spanException(nodes: SpanNodes, t0: number, startMeta: Metadata, scope: Scope, error: unknown): void {
    const t1 = now();
    if (this.#onEnds.length !== 0) this.#spanEnded(nodes.exception.name, scope, t0, t1, true, error);
    if (!nodes.exception.active) return;
    const stacktrace = error instanceof Error ? error.stack ?? String(error) : String(error);
    const metadata: Record<string, unknown> = { kind: 'error', reason: error, stacktrace, ...startMeta, ...scope.metadata };
    metadata.kind = 'error';
    metadata.reason = error;
    metadata.stacktrace = stacktrace;
    this.#dispatch(nodes.exception, nodes.exception.name, { duration: toNs(t1 - t0), monotonicTime: toNs(t1) }, metadata);
  }

  #spanEnded(event: EventName, scope: Scope, t0: number, t1: number, failed: boolean, error: unknown): void {
    this.#notifyEnd(event, { spanId: scope.spanId, duration: toNs(t1 - t0), monotonicTime: toNs(t1), failed, error, metadata: scope.metadata });
  }

  #notifyEnd(event: EventName, end: SpanEndInfo): void {
    for (const onEnd of this.#onEnds) {
      // Isolated: one that throws must neither break the span nor keep the others from running.
      try {
        onEnd(end);
      } catch (failure) {
        this.#reportFailure('span-context', event, undefined, failure);
      }
    }
  }

  #spanNodes(prefix: EventName): SpanNodes | undefined {
    let node = this.#root;
    for (let i = 0; i < prefix.length; i++) {
      const next = node.children.get(prefix[i]);
      if (next === undefined) {
        if (this.#streams.length === 0 && this.#hooks === undefined) return undefined;
        assertEventName(prefix, 'span prefix');
        node = this.#nodeFor(prefix);
        break;
      }
      node = next;
    }
    if (node.span !== undefined) return node.span;
    assertEventName(prefix, 'span prefix');
    node.span = {
      start: this.#nodeFor([...prefix, 'start']),
      stop: this.#nodeFor([...prefix, 'stop']),
      exception: this.#nodeFor([...prefix, 'exception']),
    };
    return node.span;
  }

  /**
   * Registers a hook that every `span()` callback runs inside (see SpanContextHook). While one
   * is registered, spans run their full path even when nobody listens. Returns an unregister
   * function. Several hooks nest in registration order. `options.onEnd` learns how each span
   * ended (see SpanContextOptions).
   */
  bindSpanContext(hook: SpanContextHook, options?: SpanContextOptions): () => void {
    if (typeof hook !== 'function') throw new TypeError('bindSpanContext: hook must be a function');
    const onEnd = options?.onEnd;
    if (onEnd !== undefined && typeof onEnd !== 'function') throw new TypeError('bindSpanContext: options.onEnd must be a function');
    const onStart = options?.onStart;
    if (onStart !== undefined && typeof onStart !== 'function') throw new TypeError('bindSpanContext: options.onStart must be a function');
    const entry = { hook, onEnd, onStart };
    this.#hookList.push(entry);
    this.#composeHooks();
    return () => {
      const i = this.#hookList.indexOf(entry);
      if (i !== -1) {
        this.#hookList.splice(i, 1);
        this.#composeHooks();
      }
    };
  }

  /**
   * True while a span-context hook wants spans emitted by hand (`onStart`). Packages that emit
   * span-shaped events without `span()` check it before building a SpanContextInfo.
   */
  get spansObserved(): boolean {
    return this.#onStarts.length !== 0;
  }

  /**
   * Tells the span-context hooks' `onStart` about a span emitted by hand (its start event already
   * built by the caller, ids from `nextSpanId()`); end it with `reportSpanEnd`. Never throws: a
   * failing `onStart` is reported as a handler failure with id `'span-context'`.
   *
   * ```ts
   * if (telemetry.spansObserved) telemetry.reportSpanStart({ prefix, spanId, parentSpanId, correlationId, metadata, monotonicTime, systemTime });
   * ```
   */
  reportSpanStart(span: SpanContextInfo): void {
    for (const onStart of this.#onStarts) {
      try {
        onStart(span);
      } catch (failure) {
        this.#reportFailure('span-context', [...span.prefix, 'start'], undefined, failure);
      }
    }
  }

  /** Tells the hooks' `onEnd` that a span reported with `reportSpanStart` ended. Never throws. */
  reportSpanEnd(prefix: EventName, end: SpanEndInfo): void {
    if (this.#onEnds.length !== 0) this.#notifyEnd([...prefix, end.failed ? 'exception' : 'stop'], end);
  }

  #composeHooks(): void {
    const hooks = this.#hookList.map((e) => e.hook);
    this.#onEnds = this.#hookList.flatMap((e) => (e.onEnd === undefined ? [] : [e.onEnd]));
    this.#onStarts = this.#hookList.flatMap((e) => (e.onStart === undefined ? [] : [e.onStart]));
    if (hooks.length === 0) this.#hooks = undefined;
    else if (hooks.length === 1) this.#hooks = hooks[0];
    else {
      this.#hooks = <T>(span: SpanContextInfo, fn: () => T): T => {
        const run = (i: number): T => (i === hooks.length ? fn() : hooks[i](span, () => run(i + 1)));
        return run(0);
      };
    }
  }

  // ---- streams --------------------------------------------------------------------------

  /**
   * Every emission whose name matches `pattern` (a prefix; `'*'` matches any one segment), as an
   * RxJS Observable. Nothing is paid on the emit path while nobody subscribes.
   */
  events(pattern: EventName = []): Observable<TelemetryEvent> {
    if (!Array.isArray(pattern) || pattern.some((s) => typeof s !== 'string' || s.length === 0)) {
      throw new TypeError(`pattern must be an array of non-empty strings, got ${describe(pattern)}`);
    }
    const frozen = Object.freeze([...pattern]);
    const label = `events(${frozen.length === 0 ? '' : frozen.join('.')})`;
    return new EventStream<TelemetryEvent>(
      (subscriber: Subscriber<TelemetryEvent>) => {
        const entry: StreamEntry = { pattern: frozen, subscriber };
        this.#addStream(entry);
        return () => this.#removeStream(entry);
      },
      (error) => this.#reportFailure(label, frozen, undefined, error),
    );
  }

  #addStream(entry: StreamEntry): void {
    this.#streams = [...this.#streams, entry];
    this.#walk(this.#root, (node) => {
      if (node.name.length !== 0 && matches(node.name, entry.pattern)) {
        node.streams = [...node.streams, entry];
        node.refresh();
      }
    });
  }

  #removeStream(entry: StreamEntry): void {
    this.#streams = this.#streams.filter((s) => s !== entry);
    this.#walk(this.#root, (node) => {
      if (node.streams.includes(entry)) {
        node.streams = node.streams.filter((s) => s !== entry);
        node.refresh();
      }
    });
  }

  #walk(node: EventNode, visit: (node: EventNode) => void): void {
    visit(node);
    for (const child of node.children.values()) this.#walk(child, visit);
  }

  // ---- shutdown -------------------------------------------------------------------------

  /** Registers a flush that `shutdown()` runs. Returns a function that unregisters it. */
  onShutdown(flush: () => Promise<void> | void): () => void {
    if (typeof flush !== 'function') throw new TypeError('onShutdown: flush must be a function');
    this.#flushes.add(flush);
    return () => {
      this.#flushes.delete(flush);
    };
  }

  /**
   * Runs every registered flush concurrently and waits for all of them. If any failed, rejects
   * with an AggregateError after the others have finished.
   */
  async shutdown(): Promise<void> {
    const results = await Promise.allSettled([...this.#flushes].map(async (flush) => flush()));
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    if (errors.length !== 0) throw new AggregateError(errors, `${errors.length} shutdown flush(es) failed`);
  }

  // ---- the trie -------------------------------------------------------------------------

  #lookup(name: EventName): EventNode | undefined {
    let node: EventNode | undefined = this.#root;
    for (let i = 0; i < name.length && node !== undefined; i++) node = node.children.get(name[i]);
    return node;
  }

  #nodeFor(name: EventName): EventNode {
    let node = this.#root;
    for (let i = 0; i < name.length; i++) {
      let next = node.children.get(name[i]);
      if (next === undefined) {
        next = new EventNode(Object.freeze(name.slice(0, i + 1)));
        for (const s of this.#streams) if (matches(next.name, s.pattern)) next.streams = [...next.streams, s];
        next.refresh();
        node.children.set(name[i], next);
      }
      node = next;
    }
    return node;
  }
}

class Handle implements EventHandle {
  readonly #node: EventNode;
  readonly #bus: Telemetry;
  readonly name: EventName;

  constructor(node: EventNode, bus: Telemetry) {
    this.#node = node;
    this.#bus = bus;
    this.name = node.name;
  }

  get active(): boolean {
    return this.#node.active;
  }

  emit(measurements: Measurements, metadata: Metadata = EMPTY_METADATA): void {
    const node = this.#node;
    if (node.active) this.#bus._dispatch(node, node.name, measurements, metadata);
  }
}

function reassertIds(meta: Record<string, unknown>, spanId: number, parentSpanId: number | undefined, correlationId: string | undefined): void {
  meta.spanId = spanId;
  if (parentSpanId === undefined) delete meta.parentSpanId;
  else meta.parentSpanId = parentSpanId;
  if (correlationId === undefined) delete meta.correlationId;
  else meta.correlationId = correlationId;
}

function isPromiseLike<T>(value: T): value is T & PromiseLike<Awaited<T>> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

function spanInfo(
  prefix: EventName,
  spanId: number,
  parentSpanId: number | undefined,
  correlationId: string | undefined,
  metadata: Metadata,
  monotonicTime: number,
  t0: number,
): SpanContextInfo {
  return { prefix, spanId, parentSpanId, correlationId, metadata, monotonicTime, systemTime: toSystemMs(t0) };
}
