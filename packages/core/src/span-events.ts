import { now } from './clock.js';
import { contextSlot, nextSpanId, SLOT_KEY, storage, verifyContextSlot, type ContextStore } from './context.js';
import type { EventName, Metadata } from './event-name.js';
import type { EventNode } from './event-node.js';
import { EMPTY_METADATA, type Dispatch } from './handles.js';
import { LiveSpan, type SpanTargets } from './live-span.js';
import { NOOP_SPAN, type OpenSpan } from './open-span.js';
import type { SpanEvent } from './span-event.js';
import type { SpanHooks } from './span-hooks.js';
import { MetadataShape, shapeOf } from './metadata-shape.js';
import { ARM_AFTER, type SpanRunCompiler, type SpanRunHost, type SpanRunTarget } from './span-run-code.js';
import { NOOP_SCOPE, type SpanScope } from './span-scope.js';

type Run = <T>(metadata: Metadata, fn: (scope: SpanScope) => T) => T;

/** The implementation of `SpanEvent`: the only place span events are built. */
export class SpanEventImpl implements SpanEvent, SpanTargets, SpanRunTarget {
  /** The shared run (runShared below) or, once a span event cached on the trie has run ARM_AFTER spans, code of its own (span-run-code.ts). */
  run: Run = runShared;
  /** Shared runs left before `arm`: 0 for span events that never get code (those of prefixes nobody attached under). */
  countdown = 0;
  /** The start metadata last passed to openSpan, and its shape if it was frozen and plain (metadata-shape.ts). */
  lastMetadata: Metadata | undefined = undefined;
  lastShape: MetadataShape | undefined = undefined;
  #compiler: SpanRunCompiler | undefined = undefined;

  constructor(
    readonly prefix: EventName,
    readonly startNode: EventNode,
    readonly stopNode: EventNode,
    readonly exceptionNode: EventNode,
    readonly dispatch: Dispatch,
    readonly hooks: SpanHooks,
    readonly reportFailure: (event: EventName, error: unknown) => void,
  ) {}

  get active(): boolean {
    return this.startNode.active || this.stopNode.active || this.exceptionNode.active || this.hooks.wrap !== undefined;
  }

  start(metadata: Metadata = EMPTY_METADATA, startTime?: number): OpenSpan {
    if (!this.active) return NOOP_SPAN;
    let span: LiveSpan;
    try {
      span = openSpan(this, storage.getStore(), metadata, startTime ?? now());
    } catch (failure) {
      this.reportFailure([...this.prefix, 'start'], failure);
      return NOOP_SPAN;
    }
    // Hooks first (the OTel bridge adopts its span's W3C ids), then the start event: its
    // handlers (the logger) then see the ids the exported span has.
    if (this.hooks.onStarts.length !== 0) this.hooks.started(this.prefix, span.info());
    span.emitStart();
    return span;
  }

  /** A span event cached on the trie: after ARM_AFTER shared runs, `run` becomes code of its own (span-run-code.ts). */
  armAfter(compiler: SpanRunCompiler): void {
    if (this.#compiler !== undefined) return;
    this.#compiler = compiler;
    this.countdown = ARM_AFTER;
  }

  /** Called by runShared when the countdown ends. */
  arm(): void {
    const compiler = this.#compiler;
    if (compiler === undefined || this.run !== runShared) return;
    const code = compiler.compile(this, this.prefix);
    if (code !== undefined) this.run = code;
  }
}

// SpanEventImpl's run, shared by every span event without code of its own (see SpanEventImpl.run).
function runShared<T>(this: SpanEventImpl, metadata: Metadata, fn: (scope: SpanScope) => T): T {
  if (typeof fn !== 'function') throw new TypeError('span: fn must be a function');
  // Idle is free: nobody listens and no context hook wants spans.
  if (!this.startNode.active && !this.stopNode.active && !this.exceptionNode.active && this.hooks.wrap === undefined) return fn(NOOP_SCOPE);
  if (this.countdown !== 0 && --this.countdown === 0) this.arm();
  // The parent read, the entry and the restore on one async resource (context.ts says why).
  const slot = contextSlot();
  if (slot === undefined || this.hooks.wrap !== undefined) return runEntering(this, metadata, fn);
  let span: LiveSpan;
  try {
    span = openSpan(this, slot[SLOT_KEY], metadata, now());
  } catch (failure) {
    // Telemetry never changes what the instrumented code does: report, and run it bare.
    return runBare(this, failure, fn);
  }
  span.emitStart();
  // The span doubles as the async-context store: one allocation instead of two.
  const outer = span.outer;
  slot[SLOT_KEY] = span;
  let result: T;
  try {
    result = fn(span);
  } catch (error) {
    slot[SLOT_KEY] = outer;
    span.exception(error);
    throw error;
  }
  slot[SLOT_KEY] = outer;
  if (isPromiseLike(result)) return settle(span, result);
  span.stop();
  return result;
}

/** What span-run-code.ts's codes call off their fast path. */
export const SPAN_RUN_HOST: SpanRunHost = {
  shared: runShared as SpanRunHost['shared'],
  bare: (target, failure, fn) => runBare(target as SpanEventImpl, failure, fn),
  settle,
  reassert: reassertIds,
};

// run() through the storage's public API: the first spans (until verifyContextSlot) and spans
// with a span-context hook. Entered and restored with enterWith, not `storage.run(span, fn, span)`:
// on Node 20 run's rest arguments and Reflect.apply measured ~13% of a span (paired), and this is
// what run does.
function runEntering<T>(ev: SpanEventImpl, metadata: Metadata, fn: (scope: SpanScope) => T): T {
  let span: LiveSpan;
  try {
    span = openSpan(ev, storage.getStore(), metadata, now());
  } catch (failure) {
    return runBare(ev, failure, fn);
  }
  const hooks = ev.hooks.wrap === undefined ? undefined : ev.hooks;
  // With a span-context hook the start event is emitted inside the hooks (runInHooks).
  if (hooks === undefined) span.emitStart();
  const outer = span.outer;
  storage.enterWith(span);
  verifyContextSlot(span);
  let result: T;
  try {
    result = hooks === undefined ? fn(span) : runInHooks(hooks, span, fn);
  } catch (error) {
    storage.enterWith(outer);
    span.exception(error);
    throw error;
  }
  storage.enterWith(outer);
  if (isPromiseLike(result)) return settle(span, result);
  span.stop();
  return result;
}

// lastShape before the metadata was seen twice in a row.
const UNCHECKED = new MetadataShape([], () => ({}));

// Builds the span (its start event is emitted by the caller). Throws only on hostile metadata.
// A module function, not a private method: V8 left the method call un-inlined on the span path.
function openSpan(ev: SpanEventImpl, parent: ContextStore | undefined, metadata: Metadata, t0: number): LiveSpan {
  const spanId = nextSpanId();
  const parentSpanId = parent?.spanId;
  const correlationId = parent?.correlationId;
  const md = metadata ?? EMPTY_METADATA;
  // Frozen plain metadata that a caller passes again (one object reused) gets a literal made for
  // its keys (shapedSpan). Another object is remembered only on one span id in 16: keeping each
  // fresh literal in the (old) span event would cost its write barrier on every span, and a
  // counter of its own measured +2-4% on such spans (start + stop, paired).
  if (md === ev.lastMetadata) {
    const span = shapedSpan(ev, parent, spanId, parentSpanId, correlationId, md, t0);
    if (span !== undefined) return span;
  } else if ((spanId & 15) === 0) {
    ev.lastMetadata = md;
    ev.lastShape = UNCHECKED;
  }
  // Our ids go first and the caller's metadata is spread after them: V8 clones a spread-first
  // literal fast but falls to a ~0.5 µs slow path when properties follow the spread.
  const startMeta: Record<string, unknown> =
    parentSpanId === undefined
      ? correlationId === undefined
        ? { spanId, ...md }
        : { spanId, correlationId, ...md }
      : correlationId === undefined
        ? { spanId, parentSpanId, ...md }
        : { spanId, parentSpanId, correlationId, ...md };
  // The ids are authoritative even if the caller's metadata had keys of the same names.
  if (md.spanId !== undefined || md.parentSpanId !== undefined || md.correlationId !== undefined) reassertIds(startMeta, spanId, parentSpanId, correlationId);
  return new LiveSpan(parent, ev, spanId, parentSpanId, correlationId, startMeta, t0);
}

// The span of metadata seen again: its start metadata a literal made for its keys if it is frozen
// and plain (asked once: Object.isFrozen alone is ~10 ns), else undefined (the caller spreads).
function shapedSpan(ev: SpanEventImpl, parent: ContextStore | undefined, spanId: number, parentSpanId: number | undefined, correlationId: string | undefined, md: Metadata, t0: number): LiveSpan | undefined {
  let shape = ev.lastShape;
  if (shape === UNCHECKED) shape = ev.lastShape = Object.isFrozen(md) ? shapeOf(md) : undefined;
  if (shape === undefined) return undefined;
  const span = new LiveSpan(parent, ev, spanId, parentSpanId, correlationId, shape.build(spanId, parentSpanId, correlationId, md), t0);
  span.shape = shape;
  return span;
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

function runBare<T>(ev: SpanEventImpl, failure: unknown, fn: (scope: SpanScope) => T): T {
  ev.reportFailure([...ev.prefix, 'start'], failure);
  return fn(NOOP_SCOPE);
}

// Ends the span when the callback's promise settles.
function settle<T>(span: LiveSpan, result: T & PromiseLike<Awaited<T>>): T {
  return result.then(
    (value) => {
      span.stop();
      return value;
    },
    (error: unknown) => {
      span.exception(error);
      throw error;
    },
  ) as T;
}

// The start event is emitted inside the hooks, just before the callback: a hook (the OTel bridge)
// has adopted its span's W3C ids by then, so start handlers see the ids the exported span has.
function runInHooks<T>(hooks: SpanHooks, span: LiveSpan, fn: (scope: SpanScope) => T): T {
  return hooks.run(span.targets.prefix, span.info(), () => {
    span.emitStart();
    return fn(span);
  });
}
