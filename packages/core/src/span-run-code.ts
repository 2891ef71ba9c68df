import { epochMs, msToNs, now } from './clock.js';
import { codeGeneration } from './codegen.js';
import { contextSlot, enterDispatch, nextSpanId, SLOT_KEY } from './context.js';
import type { EventName, Metadata } from './event-name.js';
import type { EventNode, HandlerEntry } from './event-node.js';
import { EMPTY_METADATA } from './handles.js';
import { LiveSpan } from './live-span.js';
import { UNROLLED, type DispatchHost } from './node-dispatch.js';
import type { SpanHooks } from './span-hooks.js';
import type { SpanScope } from './span-scope.js';

/** Span-event `run` codes one bus compiles; span events past these keep the shared `run`. */
export const MAX_SPAN_CODES = 64;

/** Shared runs of a cached span event after which it gets code of its own (its handlers are attached by then). */
export const ARM_AFTER = 256;

/** The span event as its code sees it. */
export interface SpanRunTarget {
  readonly startNode: EventNode;
  readonly stopNode: EventNode;
  readonly hooks: SpanHooks;
}

/** What the code calls off its fast path: span-events.ts's shared pieces (passed in: no import cycle). */
export interface SpanRunHost {
  /** The shared `run`, for every case the code does not take (hooks, no context slot yet, a bad fn). */
  shared<T>(this: SpanRunTarget, metadata: Metadata, fn: (scope: SpanScope) => T): T;
  /** openSpan threw (hostile metadata): report and run the callback bare. */
  bare<T>(target: SpanRunTarget, failure: unknown, fn: (scope: SpanScope) => T): T;
  /** Ends the span when the callback's promise settles. */
  settle<T>(span: LiveSpan, result: T & PromiseLike<Awaited<T>>): T;
  /** Writes the ids back over metadata keys of the same names. */
  reassert(meta: Record<string, unknown>, spanId: number, parentSpanId: number | undefined, correlationId: string | undefined): void;
}

type Run = <T>(metadata: Metadata, fn: (scope: SpanScope) => T) => T;
type Make = (ev: SpanRunTarget) => Run;

// A node's handler calls written out (as node-dispatch.ts writes them, with its host functions
// for failures, the handlers past UNROLLED and streams), so that they are part of the run and
// count nothing against V8's inlining budget: called through the nodes' dispatch codes (388 bytes
// of bytecode each), the second was left un-inlined, and the handler behind it with it.
function calls(node: string, name: string): string {
  let written = '';
  for (let k = UNROLLED - 1; k >= 0; k--) {
    written = `if (n > ${k}) {
h = hs[${k}]; r = h.handler(${name}, m, sm, h.config);
if (r !== undefined) observe(r, h, ${node});${written}
}`;
  }
  return `{
const hs = ${node}.handlers, n = hs.length;
let h, r, ok = true;
try {
${written}
} catch (e) {
ok = false;
recover(hs, h, e, ${node}, ${name}, m, sm);
}
if (ok) {
if (n > ${UNROLLED}) rest(hs, ${node}, ${name}, m, sm);
const ss = ${node}.streams;
if (ss.length !== 0) deliver(ss, ${name}, m, sm);
}
}`;
}

// The shared run()'s fast path (span-events.ts: a verified context slot, no span-context hook)
// with openSpan, emitStart and a plain stop written in: one function per code, so its call
// sites (the callback, the metadata spread, the handlers) see only this span event's. Anything
// else goes through the shared run or the span's own methods, as the shared run would.
function body(): string {
  return `if (typeof fn !== 'function' || hooks.wrap !== undefined) return shared.call(ev, metadata, fn);
const startOn = startNode.active;
if (!startOn && !stopNode.active) return shared.call(ev, metadata, fn);
const slot = contextSlot();
if (slot === undefined) return shared.call(ev, metadata, fn);
const parent = slot[KEY];
let span;
try {
  const t0 = now();
  const spanId = nextSpanId();
  const parentSpanId = parent === undefined ? undefined : parent.spanId;
  const correlationId = parent === undefined ? undefined : parent.correlationId;
  const md = metadata ?? empty;
  const startMeta = parentSpanId === undefined
    ? (correlationId === undefined ? { spanId, ...md } : { spanId, correlationId, ...md })
    : (correlationId === undefined ? { spanId, parentSpanId, ...md } : { spanId, parentSpanId, correlationId, ...md });
  if (md.spanId !== undefined || md.parentSpanId !== undefined || md.correlationId !== undefined) reassert(startMeta, spanId, parentSpanId, correlationId);
  span = new LiveSpan(parent, ev, spanId, parentSpanId, correlationId, startMeta, t0);
} catch (failure) {
  return bare(ev, failure, fn);
}
if (startOn) {
  const t0 = span.startTime;
  const m = { monotonicTime: msToNs(t0), systemTime: epochMs(t0) };
  span.handOut();
  const sm = span.startMeta;
  const od = enterDispatch(span);
  ${calls('startNode', 'startName')}
  enterDispatch(od);
}
slot[KEY] = span;
let result;
try {
  result = fn(span);
} catch (error) {
  slot[KEY] = parent;
  span.exception(error);
  throw error;
}
slot[KEY] = parent;
if (result !== null && typeof result === 'object' && typeof result.then === 'function') return settle(span, result);
if (span.metadata !== undefined || span.measurements !== undefined || hooks.onEnds.length !== 0 || !stopNode.active) {
  span.stop();
  return result;
}
if (!span.end()) return result;
const t1 = now();
const m = { duration: msToNs(t1 - span.startTime), monotonicTime: msToNs(t1) };
const sm = span.startMeta;
const od = enterDispatch(span);
${calls('stopNode', 'stopName')}
enterDispatch(od);
return result;`;
}

const BODY = body();
const PARAMS = ['observe', 'recover', 'rest', 'deliver', 'shared', 'bare', 'settle', 'reassert', 'now', 'msToNs', 'epochMs', 'contextSlot', 'KEY', 'nextSpanId', 'enterDispatch', 'LiveSpan', 'empty'];
let compiled = 0;

/**
 * Makes the `run` of a span event cached on the trie (`spanEvent()` handles, and `bus.span`'s for
 * prefixes something is attached under) code of its own (`new Function`), after ARM_AFTER runs.
 * Why: the shared `run` is one function for every span of the process, so in a process with
 * many spans and handlers (bench/src/realistic) its call sites (the callback, the metadata
 * spread, the dispatch into the handlers) are megamorphic and V8 inlines none of them; code of
 * its own sees one span event's, with the start and stop handlers' calls written out in it.
 * Span events whose first UNROLLED start and stop handlers are the same functions (by source)
 * share one code, as node-dispatch.ts's nodes do, so a call site rotating over such span events
 * sees one function literal. Measured, CPU time per span, paired (bench/notes/core.md, issue 11,
 * session 3): the realistic process's span 0.75-0.81x, clean ~0.9x, a site rotating over 50
 * `spanEvent()` handles 0.82x, `bus.span` over 50 prefixes 0.91-0.94x and over one 0.88-0.90x.
 */
export class SpanRunCompiler {
  readonly #host: SpanRunHost;
  readonly #dispatch: DispatchHost;
  readonly #bySignature = new Map<string, Make>();
  #codes = 0;

  constructor(host: SpanRunHost, dispatch: DispatchHost) {
    this.#host = host;
    this.#dispatch = dispatch;
  }

  /** `ev`'s own run, or undefined (no code generation, past MAX_SPAN_CODES, unreadable handler sources). */
  compile(ev: SpanRunTarget, prefix: EventName): Run | undefined {
    const key = signature(ev.startNode.handlers, ev.stopNode.handlers);
    if (key === undefined) return undefined;
    let make = this.#bySignature.get(key);
    if (make === undefined) {
      if (this.#codes >= MAX_SPAN_CODES || !codeGeneration()) return undefined;
      const h = this.#host;
      const d = this.#dispatch;
      make = build(prefix)(d.observe, d.recover, d.rest, d.deliver, h.shared, h.bare, h.settle, h.reassert, now, msToNs, epochMs, contextSlot, SLOT_KEY, nextSpanId, enterDispatch, LiveSpan, EMPTY_METADATA);
      this.#codes++;
      this.#bySignature.set(key, make);
    }
    return make(ev);
  }
}

function signature(start: readonly HandlerEntry[], stop: readonly HandlerEntry[]): string | undefined {
  try {
    const src = (hs: readonly HandlerEntry[]): string => hs.slice(0, UNROLLED).map((h) => Function.prototype.toString.call(h.handler)).join('\u0000');
    return `${src(start)}\u0001${src(stop)}`;
  } catch {
    return undefined;
  }
}

function build(prefix: EventName): (...args: unknown[]) => Make {
  const label = `${prefix.map((s) => s.replace(/[^A-Za-z0-9_]/g, '_')).join('_').slice(0, 60)}_${++compiled}`;
  const source = `"use strict";
return function make(ev) {
const startNode = ev.startNode, stopNode = ev.stopNode, hooks = ev.hooks;
const startName = startNode.name, stopName = stopNode.name;
return function run_${label}(metadata, fn) {
${BODY}
};
};`;
  return new Function(...PARAMS, source) as (...args: unknown[]) => Make;
}
