import { msToNs, now, epochMs } from './clock.js';
import { enterDispatch, type ContextStore } from './context.js';
import { childTraceContext, type TraceContext } from './trace-context.js';
import type { EventName, Measurements, Metadata } from './event-name.js';
import type { EventNode } from './event-node.js';
import type { Dispatch } from './handles.js';
import type { MetadataShape } from './metadata-shape.js';
import type { OpenSpan } from './open-span.js';
import type { SpanContextInfo } from './span-context.js';
import type { SpanHooks } from './span-hooks.js';

/** What a span needs from its span event: the three events, the hooks, and failure reporting. */
export interface SpanTargets {
  readonly prefix: EventName;
  /** Trie nodes of the three events (for a prefix nobody attached to: detached nodes carrying the matching streams). */
  readonly startNode: EventNode;
  readonly stopNode: EventNode;
  readonly exceptionNode: EventNode;
  readonly dispatch: Dispatch;
  readonly hooks: SpanHooks;
  reportFailure(event: EventName, error: unknown): void;
}

/**
 * One observed span: the scope handed to a `span()` callback, the store its async context
 * carries, and the open span `startSpan()` returns, in one object (one allocation per span).
 * Core alone builds span events, ids and hook calls; every span of every package comes here.
 */
export class LiveSpan implements OpenSpan, ContextStore {
  metadata: Metadata | undefined = undefined;
  measurements: Measurements | undefined = undefined;
  /** The caller's start metadata's shape, when it was frozen and plain (metadata-shape.ts): the end merge can then be a literal. */
  shape: MetadataShape | undefined = undefined;
  #ended = false;
  #trace: TraceContext | undefined = undefined;
  /** startMeta has been handed out (to start handlers and streams, or to span-context hooks). */
  #shared = false;

  constructor(
    /** The async-context store this span started in (its trace parent). */
    readonly outer: ContextStore | undefined,
    readonly targets: SpanTargets,
    readonly spanId: number,
    readonly parentSpanId: number | undefined,
    readonly correlationId: string | undefined,
    /** The start event's metadata: ids first, then the caller's. */
    readonly startMeta: Metadata,
    readonly startTime: number,
  ) {}

  // Merging goes through Object.assign. In V8 11 every generic merge copies ~15 ns a property
  // (Object.assign, spreads after a literal property, for-in writes onto a copy or onto a
  // template clone: all 80-120 ns for 4 + 1 keys, within noise of each other), and a `{ ...a }`
  // clone (~14 ns) that then gains a property, or `{ ...a, ...b }`, takes a runtime slow path
  // (~0.9-1.5 µs): measured, bench/notes/core.md. What is cheap is not copying: see endMetadata.
  set(metadata: Metadata): this {
    this.metadata = this.metadata === undefined ? metadata : Object.assign({}, this.metadata, metadata);
    return this;
  }

  measure(measurements: Measurements): this {
    this.measurements = this.measurements === undefined ? measurements : Object.assign({}, this.measurements, measurements);
    return this;
  }

  /** Takes the W3C ids another context system made for this span. */
  adopt(context: TraceContext): void {
    this.#trace = context;
  }

  /** This span's W3C ids: adopted from a context system (the OTel bridge), or made on first read under the outer trace. */
  traceContext(): TraceContext {
    return (this.#trace ??= childTraceContext(this.outer?.traceContext()));
  }

  /** What span-context hooks learn about this span. */
  info(): SpanContextInfo {
    this.#shared = true;
    return new SpanInfo(this);
  }

  /** Marks startMeta as handed out (span-run-code.ts emits the start event itself). */
  handOut(): void {
    this.#shared = true;
  }

  /** Ends the span for a caller that dispatches a plain stop itself (span-run-code.ts); false if it had ended. */
  end(): boolean {
    if (this.#ended) return false;
    this.#ended = true;
    return true;
  }

  /** Emits the start event (once the span-context hooks have had their say). */
  emitStart(): void {
    const start = this.targets.startNode;
    if (!start.active) return;
    const t0 = this.startTime;
    const m = { monotonicTime: msToNs(t0), systemTime: epochMs(t0) };
    // dispatchAs written out here and in stop(): a call site of the node's code that sees only
    // start (or only stop) events is what made the direct call pay (one shared site measured slower).
    this.#shared = true;
    const outer = enterDispatch(this);
    const code = start.code;
    if (code !== undefined) code.dispatch(start.name, m, this.startMeta);
    else this.targets.dispatch(start, start.name, m, this.startMeta);
    enterDispatch(outer);
  }

  /** Dispatches one of this span's events with this span as the trace context handlers see. */
  emitOwn(node: EventNode, measurements: Measurements, metadata: Metadata): void {
    dispatchAs(this, node, measurements, metadata);
  }

  stop(measurements?: Measurements, metadata?: Metadata, endTime?: number): void {
    if (this.#ended) return;
    this.#ended = true;
    const targets = this.targets;
    try {
      if (measurements !== undefined) this.measure(measurements);
      if (metadata !== undefined) this.set(metadata);
      const t1 = endTime ?? now();
      const duration = msToNs(t1 - this.startTime);
      const monotonicTime = msToNs(t1);
      if (targets.hooks.onEnds.length !== 0) {
        targets.hooks.ended(targets.prefix, { spanId: this.spanId, duration, monotonicTime, failed: false, error: undefined, metadata: this.metadata });
      }
      const stop = targets.stopNode;
      if (!stop.active) return;
      const m = this.measurements === undefined ? { duration, monotonicTime } : this.#endMeasurements(duration, monotonicTime);
      const md = this.metadata === undefined ? this.startMeta : this.#endMetadata(this.metadata);
      const outer = enterDispatch(this);
      const code = stop.code;
      if (code !== undefined) code.dispatch(stop.name, m, md);
      else targets.dispatch(stop, stop.name, m, md);
      enterDispatch(outer);
    } catch (failure) {
      // Hostile metadata (a throwing getter or Proxy) costs the event, never the caller.
      targets.reportFailure([...targets.prefix, 'stop'], failure);
    }
  }

  exception(error: unknown, metadata?: Metadata, endTime?: number): void {
    if (this.#ended) return;
    this.#ended = true;
    const targets = this.targets;
    try {
      if (metadata !== undefined) this.set(metadata);
      const t1 = endTime ?? now();
      const duration = msToNs(t1 - this.startTime);
      const monotonicTime = msToNs(t1);
      if (targets.hooks.onEnds.length !== 0) {
        targets.hooks.ended(targets.prefix, { spanId: this.spanId, duration, monotonicTime, failed: true, error, metadata: this.metadata });
      }
      const exception = targets.exceptionNode;
      if (!exception.active) return;
      const md: Record<string, unknown> = this.#endMetadata(this.metadata);
      md.kind = 'error';
      md.reason = error;
      md.stacktrace = stackOf(error);
      this.emitOwn(exception, this.#endMeasurements(duration, monotonicTime), md);
    } catch (failure) {
      targets.reportFailure([...targets.prefix, 'exception'], failure);
    }
  }

  // The start metadata with what `set()` (or the end's metadata) added. A copy when the start
  // metadata was handed out (start handlers or hooks may keep it); otherwise nobody else holds it
  // and it becomes the end's metadata in place: the span ends once, so nothing sees it change.
  // With stop handlers only (duration metrics) that writes the added keys instead of copying
  // ids + start keys + added keys (a webgpu dispatch's 4 + 1: ~85 -> ~20 ns, measured).
  #endMetadata(added: Metadata | undefined): Record<string, unknown> {
    const startMeta = this.startMeta as Record<string, unknown>;
    if (this.#shared) {
      const shape = this.shape;
      if (shape !== undefined && added !== undefined) {
        const merged = shape.merge(startMeta, added);
        if (merged !== undefined) return merged;
      }
      return Object.assign({}, startMeta, added);
    }
    return added === undefined ? startMeta : Object.assign(startMeta, added);
  }

  // `duration` and `monotonicTime`, plus what `measure()` (or `stop(measurements)`) added, which never overrides them.
  #endMeasurements(duration: number, monotonicTime: number): Measurements {
    if (this.measurements === undefined) return { duration, monotonicTime };
    const merged: Record<string, number> = Object.assign({ duration, monotonicTime }, this.measurements);
    merged.duration = duration;
    merged.monotonicTime = monotonicTime;
    return merged;
  }
}

// Dispatches one of `span`'s events with `span` as the trace context its handlers see. No
// try/finally: dispatch never throws (each handler and stream consumer is isolated). A node with
// code of its own (node-dispatch.ts: since 157f871 only nodes with an event handle have one) is
// dispatched straight through it, as the bus's dispatch would after two more calls. Start and stop
// this way made a span 0.90x the time while span nodes got code after 100 dispatches (paired
// processes, 003a4b5); giving spanEvent()'s nodes code through handles since measured 0.97x
// clean and no gain in the realistic process, so they run the bus's shared loop
// (a span event's own run code writes its handlers' calls out instead: span-run-code.ts).
function dispatchAs(span: LiveSpan, node: EventNode, measurements: Measurements, metadata: Metadata): void {
  const outer = enterDispatch(span);
  const code = node.code;
  if (code !== undefined) code.dispatch(node.name, measurements, metadata);
  else span.targets.dispatch(node, node.name, measurements, metadata);
  enterDispatch(outer);
}

export function stackOf(error: unknown): string {
  try {
    return error instanceof Error ? (error.stack ?? String(error)) : String(error);
  } catch {
    return '[unprintable error]';
  }
}

/** A span as span-context hooks see it (a class, not a literal with closures: one allocation). */
class SpanInfo implements SpanContextInfo {
  readonly prefix: EventName;
  readonly spanId: number;
  readonly parentSpanId: number | undefined;
  readonly correlationId: string | undefined;
  readonly metadata: Metadata;
  readonly monotonicTime: number;
  readonly systemTime: number;
  readonly #span: LiveSpan;

  constructor(span: LiveSpan) {
    this.#span = span;
    this.prefix = span.targets.prefix;
    this.spanId = span.spanId;
    this.parentSpanId = span.parentSpanId;
    this.correlationId = span.correlationId;
    this.metadata = span.startMeta;
    this.monotonicTime = msToNs(span.startTime);
    this.systemTime = epochMs(span.startTime);
  }

  parentTraceContext(): TraceContext | undefined {
    return this.#span.outer?.traceContext();
  }

  adoptTraceContext(context: TraceContext): void {
    this.#span.adopt(context);
  }
}
