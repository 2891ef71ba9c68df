import { context, INVALID_SPANID, INVALID_TRACEID, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { isEventName, monotonicTime, type EventName, type SpanContextHook, type SpanContextInfo, type SpanEndInfo, type Telemetry } from '@rx-telemetry/core';
import { spanKindOf, toAttributes } from './attributes.js';
import { errorMessage, toException } from './exception.js';
import { hrTimeFromMonotonic } from './hr-time.js';
import { OpenSpans, type OpenSpan } from './open-spans.js';
import { matchesAnyPrefix } from './prefix-filter.js';

export interface BridgeSpansOptions {
  /** Where the spans go. Default: `trace.getTracer('@rx-telemetry/otel')` from the global provider. */
  readonly tracer?: Tracer;
  /** Bridge only spans whose prefix starts with one of these (segment-wise). Default: every span. */
  readonly prefixes?: readonly EventName[];
  /**
   * A span still open after this long is ended with status ERROR (it is ended between one and
   * 1.25 times this after its start). Default 300000 (5 minutes); `Infinity` turns it off
   * (open spans are then ended only by `stop()`).
   */
  readonly orphanTimeoutMs?: number;
  /**
   * Bridge the library's own spans (prefix `['telemetry', …]`: a Prometheus scrape, a push) too.
   * Default false: they would otherwise be root traces of their own.
   */
  readonly includeTelemetrySpans?: boolean;
}

export interface SpanBridge {
  /**
   * Stops bridging: unhooks from the bus, clears the orphan timer and ends every still-open span
   * with status ERROR. Idempotent: every call returns the same promise; `telemetry.shutdown()`
   * calls it. Flushing the tracer provider (`forceFlush()`/`shutdown()`) stays the application's.
   */
  stop(): Promise<void>;
  /** @deprecated The same as `stop()`, kept for callers written before it; prefer `stop()`. */
  detach(): void;
}

export const DEFAULT_ORPHAN_TIMEOUT_MS = 300_000;
// setInterval cannot wait longer than this (it would fire after 1 ms instead).
const MAX_TIMER_MS = 2_147_483_647;
const CHECKS_PER_TIMEOUT = 4;
const TRACER_NAME = '@rx-telemetry/otel';
let bridgeSeq = 0;

/**
 * Turns every core `span()`, and every span opened by hand with `telemetry.startSpan()` (WebGPU
 * dispatches, compiles, transfers), into an OpenTelemetry span: named `prefix.join('.')`, timed by core's
 * own clock, with the primitive metadata as attributes (HTTP keys under their semantic-convention
 * names, see SEMANTIC_ATTRIBUTES), metadata `kind` as its SpanKind, and exceptions recorded with
 * status ERROR. The span callback runs with the new span active, so nested `span()` calls and OTel
 * spans started inside it (also across `await`, with a context manager registered) become its
 * children; the core span adopts the OTel span's W3C ids, and a `withTraceparent` context is
 * continued. The library's own `['telemetry', …]` spans are skipped unless `includeTelemetrySpans`.
 *
 * ```ts
 * import { context, trace } from '@opentelemetry/api';
 * import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
 * import { BasicTracerProvider, SimpleSpanProcessor, ConsoleSpanExporter } from '@opentelemetry/sdk-trace-base';
 * import { Telemetry } from '@rx-telemetry/core';
 * import { bridgeSpans } from '@rx-telemetry/otel';
 *
 * context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
 * const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] });
 * const telemetry = new Telemetry();
 * const bridge = bridgeSpans(telemetry, { tracer: provider.getTracer('app'), prefixes: [['db']] });
 * await telemetry.span(['db', 'query'], { table: 'users' }, async () => fetchUsers());
 * await bridge.stop(); // or telemetry.shutdown()
 * ```
 */
export function bridgeSpans(telemetry: Telemetry, options: BridgeSpansOptions = {}): SpanBridge {
  if (telemetry === null || typeof telemetry !== 'object' || typeof telemetry.bindSpanContext !== 'function' || typeof telemetry.manage !== 'function') {
    throw new TypeError('bridgeSpans: telemetry must be a Telemetry instance');
  }
  if (options === null || typeof options !== 'object') throw new TypeError('bridgeSpans: options must be an object');
  const tracer = options.tracer ?? trace.getTracer(TRACER_NAME);
  if (typeof tracer?.startSpan !== 'function') throw new TypeError('bridgeSpans: options.tracer must be an OpenTelemetry Tracer');
  const prefixes = checkPrefixes(options.prefixes);
  const orphanTimeoutMs = checkOrphanTimeout(options.orphanTimeoutMs);

  const includeTelemetry = checkBoolean(options.includeTelemetrySpans, 'includeTelemetrySpans');
  const own = includeTelemetry ? -1 : (prefixes?.findIndex((p) => p[0] === 'telemetry') ?? -1);
  if (own !== -1) {
    throw new TypeError(`bridgeSpans: options.prefixes[${own}] names the library's own spans (['telemetry', …]), which are skipped; set includeTelemetrySpans: true to bridge them`);
  }
  const bridged = (prefix: EventName): boolean =>
    (includeTelemetry || prefix[0] !== 'telemetry') && (prefixes === undefined || matchesAnyPrefix(prefix, prefixes));

  const open = new OpenSpans();
  const names = new Map<EventName, string>();

  // The OTel span and the core span share their ids: events, log lines (currentTraceContext())
  // and the exported span carry one trace id and span id.
  const start = (info: SpanContextInfo, parent: Context): Span => {
    const startNs = info.monotonicTime;
    const md = info.metadata;
    const span = tracer.startSpan(nameOf(info.prefix, names), { kind: spanKindOf(md), startTime: hrTimeFromMonotonic(startNs), attributes: toAttributes(md, true) }, parent);
    open.add(info.spanId, span, startNs);
    adopt(info, span);
    return span;
  };
  // The context a bridged span starts in: the active OTel span; else (no context manager) the
  // enclosing core span's bridged span; else the trace the core span continues (withTraceparent).
  const parentOf = (info: SpanContextInfo): Context => {
    const active = context.active();
    if (trace.getSpan(active) !== undefined) return active;
    if (info.parentSpanId !== undefined) {
      const parent = open.get(info.parentSpanId);
      if (parent !== undefined) return trace.setSpan(active, parent);
    }
    const remote = info.parentTraceContext();
    return remote === undefined ? active : trace.setSpanContext(active, { traceId: remote.traceId, spanId: remote.spanId, traceFlags: remote.traceFlags, isRemote: true });
  };
  // A span that is not bridged takes the ids of the OTel span it runs in (as OTel's own log
  // correlation would), so its lines and its bridged children point at a span that is exported.
  const passThrough = (info: SpanContextInfo): void => {
    const span = trace.getSpan(context.active()) ?? (info.parentSpanId === undefined ? undefined : open.get(info.parentSpanId));
    if (span !== undefined) adopt(info, span);
  };

  const hook: SpanContextHook = (info, fn) => {
    if (!bridged(info.prefix)) {
      passThrough(info);
      return fn();
    }
    const parent = parentOf(info);
    return context.with(trace.setSpan(parent, start(info, parent)), fn);
  };

  // Spans opened by hand (startSpan: a WebGPU dispatch, from submit to done): no callback to run
  // inside, so the span is only opened here and closed by onEnd.
  const onStart = (info: SpanContextInfo): void => {
    if (bridged(info.prefix)) start(info, parentOf(info));
    else passThrough(info);
  };

  const onEnd = (end: SpanEndInfo): void => {
    const span = open.take(end.spanId);
    if (span === undefined) return;
    if (end.metadata !== undefined) span.setAttributes(toAttributes(end.metadata, false));
    // Start plus the stop event's duration, both integer ns: exact.
    const endTime = hrTimeFromMonotonic(open.takenStartNs + end.duration);
    if (end.failed) {
      span.recordException(toException(end.error), endTime);
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(end.error) });
    }
    span.end(endTime);
  };

  const unbind = telemetry.bindSpanContext(hook, { onEnd, onStart });
  let timer: NodeJS.Timeout | undefined;
  if (orphanTimeoutMs !== Infinity) {
    const reason = `span did not end within orphanTimeoutMs (${orphanTimeoutMs} ms)`;
    timer = setInterval(() => {
      for (const orphan of open.reap(CHECKS_PER_TIMEOUT)) endUnfinished(orphan, reason);
    }, orphanTimeoutMs / CHECKS_PER_TIMEOUT);
    // Never keep the process alive just to watch for orphans.
    timer.unref();
  }

  const stop = telemetry.manage(`otel-bridge-${++bridgeSeq}`, () => {
    unbind();
    if (timer !== undefined) clearInterval(timer);
    for (const unfinished of open.drain()) endUnfinished(unfinished, 'bridge stopped before the span ended');
    names.clear();
  });
  return {
    stop,
    detach(): void {
      void stop();
    },
  };
}

/**
 * Gives the core span the OTel span's ids. A tracer without an SDK makes the invalid all-zero ids:
 * those are not taken (compared as strings: the API's isSpanContextValid runs two regular
 * expressions, a tenth of the bridge's own cost per span).
 */
function adopt(info: SpanContextInfo, span: Span): void {
  const ctx = span.spanContext();
  if (ctx.traceId !== INVALID_TRACEID && ctx.spanId !== INVALID_SPANID) info.adoptTraceContext({ traceId: ctx.traceId, spanId: ctx.spanId, traceFlags: ctx.traceFlags });
}

function endUnfinished(open: OpenSpan, reason: string): void {
  open.span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
  open.span.end(hrTimeFromMonotonic(monotonicTime()));
}

// Names are cached by prefix array identity: callers usually pass the same constant array,
// and joining segments on every span costs more than a Map lookup.
const MAX_CACHED_NAMES = 1024;
function nameOf(prefix: EventName, names: Map<EventName, string>): string {
  let name = names.get(prefix);
  if (name === undefined) {
    name = prefix.join('.');
    if (names.size < MAX_CACHED_NAMES) names.set(prefix, name);
  }
  return name;
}

function checkPrefixes(prefixes: readonly EventName[] | undefined): readonly EventName[] | undefined {
  if (prefixes === undefined) return undefined;
  if (!Array.isArray(prefixes) || prefixes.length === 0) {
    throw new TypeError('bridgeSpans: options.prefixes must be a non-empty array of event names (omit it to bridge every span)');
  }
  return prefixes.map((p: unknown, i) => {
    if (!isEventName(p)) throw new TypeError(`bridgeSpans: options.prefixes[${i}] must be a non-empty array of non-empty strings`);
    return Object.freeze([...p]);
  });
}

function checkBoolean(value: boolean | undefined, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`bridgeSpans: options.${name} must be a boolean, got ${String(value)}`);
  return value;
}

function checkOrphanTimeout(ms: number | undefined): number {
  if (ms === undefined) return DEFAULT_ORPHAN_TIMEOUT_MS;
  if (ms === Infinity) return ms;
  if (typeof ms !== 'number' || !(ms > 0) || ms > MAX_TIMER_MS * CHECKS_PER_TIMEOUT) {
    throw new TypeError(`bridgeSpans: options.orphanTimeoutMs must be a positive number of milliseconds up to ${MAX_TIMER_MS * CHECKS_PER_TIMEOUT}, or Infinity; got ${String(ms)}`);
  }
  return ms;
}
