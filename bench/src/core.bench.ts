// Core primitives against what a user would pick instead: EventEmitter, diagnostics_channel,
// an RxJS Subject, Node's TracingChannel (with a clock and an AsyncLocalStorage, the fairest span
// peer) and an OpenTelemetry SDK span. Budgets: bench/budgets.json.
import { BasicTracerProvider, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { currentTraceContext, Telemetry } from '@rx-telemetry/core';
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Subject } from 'rxjs';
import { atMost, consume, find, measure, median, ratio, report, type CaseResult, type SuiteResult } from './harness.js';
import { tracingChannelSpan } from './peers.js';

export async function run(): Promise<SuiteResult> {
  const measurements = { duration: 1 };
  const metadata = { kernel: 'add' };
  // Every case adds into this one double field: V8 updates a double field in place, where a
  // captured `let` holding a double would allocate a heap number on every add and skew the cases.
  const box = { acc: 0.5 };
  const listener = (m: { duration: number }): void => {
    box.acc += m.duration;
  };

  const ee = new EventEmitter();
  ee.on('compute.kernel.dispatch.stop', listener);
  const channel = diagnosticsChannel.channel('compute.kernel.dispatch.stop');
  channel.subscribe((m) => listener(m as { duration: number }));
  const subject = new Subject<{ duration: number }>();
  subject.subscribe(listener);

  const idle = new Telemetry();
  const idleHandle = idle.event(['compute', 'kernel', 'dispatch', 'stop']);
  const busy = new Telemetry();
  busy.attach('h', ['compute', 'kernel', 'dispatch', 'stop'], (_e, m) => {
    box.acc += m.duration;
  });
  const busyHandle = busy.event(['compute', 'kernel', 'dispatch', 'stop']);
  const spans = new Telemetry();
  spans.attachMany('h', [['job', 'run', 'start'], ['job', 'run', 'stop']], (_e, m) => {
    box.acc += m.monotonicTime;
  });
  const work = (): number => 1;
  const spanHandle = spans.spanEvent(['job', 'run']);
  const traced = tracingChannelSpan('bench.core.job.run', box);

  // The floor a span cannot go under: its two clock reads, and a hand-rolled minimal span (two
  // clock reads, one AsyncLocalStorage.run for nesting, two handler calls, no ids or metadata merge).
  const als = new AsyncLocalStorage<{ spanId: number }>();
  let seq = 0;
  const floorHandler = (m: { monotonicTime: number }): void => {
    box.acc += m.monotonicTime;
  };
  const minimalSpan = (fn: () => number): number => {
    const spanId = ++seq;
    const t0 = performance.now();
    floorHandler({ monotonicTime: t0 });
    const r = als.run({ spanId }, fn);
    const t1 = performance.now();
    floorHandler({ monotonicTime: t1 - t0 });
    return r;
  };

  const provider = new BasicTracerProvider({ spanProcessors: [new NoopSpanProcessor()] });
  const tracer = provider.getTracer('bench');

  const EE = 'EventEmitter.emit, 1 listener';
  const TC = 'TracingChannel traceSync + clock + ALS bindStore';
  const OTEL = 'OpenTelemetry SDK startSpan+end';
  const results = measure([
    { name: EE, loop: (n) => { for (let i = 0; i < n; i++) ee.emit('compute.kernel.dispatch.stop', measurements); } },
    { name: 'diagnostics_channel publish, 1 subscriber', loop: (n) => { for (let i = 0; i < n; i++) channel.publish(measurements); } },
    { name: 'RxJS Subject.next, 1 subscriber', loop: (n) => { for (let i = 0; i < n; i++) subject.next(measurements); } },
    { name: 'emit, no handler, handle', peer: EE, loop: (n) => { for (let i = 0; i < n; i++) idleHandle.emit(measurements, metadata); } },
    { name: 'emit, no handler, literal array', peer: EE, loop: (n) => { for (let i = 0; i < n; i++) idle.emit(['compute', 'kernel', 'dispatch', 'stop'], measurements, metadata); } },
    { name: 'emit, 1 handler, handle', peer: EE, loop: (n) => { for (let i = 0; i < n; i++) busyHandle.emit(measurements, metadata); } },
    { name: 'emit, 1 handler, literal array', peer: EE, loop: (n) => { for (let i = 0; i < n; i++) busy.emit(['compute', 'kernel', 'dispatch', 'stop'], measurements, metadata); } },
    { name: TC, loop: (n) => { for (let i = 0; i < n; i++) box.acc += traced(work, metadata); } },
    { name: 'span sync, start+stop handlers', peer: TC, loop: (n) => { for (let i = 0; i < n; i++) box.acc += spans.span(['job', 'run'], metadata, work); } },
    { name: 'spanEvent(prefix).run, start+stop handlers', peer: TC, loop: (n) => { for (let i = 0; i < n; i++) box.acc += spanHandle.run(metadata, work); } },
    { name: 'floor: two performance.now() reads', peer: TC, loop: (n) => { for (let i = 0; i < n; i++) box.acc += performance.now() - performance.now(); } },
    { name: 'floor: hand-rolled minimal span', peer: TC, loop: (n) => { for (let i = 0; i < n; i++) box.acc += minimalSpan(work); } },
    { name: 'span sync, nobody listening', peer: TC, loop: (n) => { for (let i = 0; i < n; i++) box.acc += idle.span(['job', 'run'], metadata, work); } },
    { name: OTEL, peer: TC, loop: (n) => { for (let i = 0; i < n; i++) tracer.startSpan('job.run', { attributes: metadata }).end(); } },
  ]);
  const tracePair = await traceContextPair(box);
  consume(box.acc);

  const ns = (name: string): number => find(results, name).nsPerOp;
  const span = ns('spanEvent(prefix).run, start+stop handlers');
  // Informational lines; the budgets themselves are evaluated from bench/budgets.json.
  return report('core', [...results, ...tracePair], [EE, 'diagnostics_channel publish, 1 subscriber', 'RxJS Subject.next, 1 subscriber', TC], [
    atMost('no handler via handle <= 3 ns', ns('emit, no handler, handle'), 3),
    ratio('1 handler via handle <= 1.5x EventEmitter', ns('emit, 1 handler, handle'), ns(EE), 1.5),
    atMost('1 handler, literal array name <= 40 ns', ns('emit, 1 handler, literal array'), 40),
    atMost('span (spanEvent) with start+stop handlers <= 180 ns', span, 180),
    ratio('span (spanEvent) <= TracingChannel + clock + ALS', span, ns(TC), 1),
    ratio('span vs the hand-rolled floor (info: <= 1.5x)', span, ns('floor: hand-rolled minimal span'), 1.5),
    ratio('OTel SDK span / our span >= 6x', ns(OTEL), span, 6, true),
    atMost('trace context adds <= 30 ns to a span nobody reads ids of (its part, paired batches)', tracedAdds(tracePair), 30),
  ]);
}

export const TRACE_WITH = "trace context's part of a span: its dispatch marks (core's enterDispatch around start and stop)";
export const TRACE_WITHOUT = "trace context's part of a span: the same work, marks left out";

/** What core's dispatch marks take: the span whose trace context handlers see (context.js). */
type EnterDispatch = (span: { traceContext(): unknown } | undefined) => { traceContext(): unknown } | undefined;

/** A span-sized object with a trace source's method, allocated per operation as a span is. */
class Marked {
  constructor(readonly spanId: number) {}
  traceContext(): undefined {
    return undefined;
  }
}

/**
 * What W3C trace context adds to a span when nobody reads the ids (budget trace.context.span). Its
 * ids are made on first read, so a span nobody asks pays only for the marks that let a start or
 * stop handler's currentTraceContext() find the span: core's enterDispatch(span) and its restore,
 * around each of the two dispatches. Measured here is that part alone, paired with the same loop
 * without it (each allocates a fresh span-like object that escapes, as a span does), because the
 * whole-span A/B (two copies of core's build side by side, one without the marks) could not
 * resolve it: two identical copies differed by -43 to +197 ns per span (the copy optimised
 * first ran slower), against a part of ~8 ns (kept out of a build in separate processes).
 * enterDispatch is imported from the very module the public API uses (checked below), not copied.
 */
async function traceContextPair(box: { acc: number }): Promise<CaseResult[]> {
  // Where each loop's span escapes to, as a span escapes into the async context.
  const sink: { last: Marked | undefined } = { last: undefined };
  const contextJs = pathToFileURL(join(dirname(fileURLToPath(import.meta.resolve('@rx-telemetry/core'))), 'context.js')).href;
  const { enterDispatch } = (await import(contextJs)) as { enterDispatch?: EnterDispatch };
  if (typeof enterDispatch !== 'function') throw new Error("core bench: core's context.js has no enterDispatch; update the trace-context pair");
  const probe = { traceContext: (): string => 'probe' };
  const before = enterDispatch(probe);
  const seen = currentTraceContext();
  enterDispatch(before);
  if ((seen as unknown) !== 'probe') throw new Error("core bench: enterDispatch is not what the public currentTraceContext() reads; update the trace-context pair");
  return measure([
    {
      name: TRACE_WITH,
      peer: TRACE_WITHOUT,
      loop: (n) => {
        for (let i = 0; i < n; i++) {
          const span = new Marked(i);
          sink.last = span;
          let outer = enterDispatch(span);
          box.acc += span.spanId;
          enterDispatch(outer);
          outer = enterDispatch(span);
          box.acc += 1;
          enterDispatch(outer);
        }
      },
    },
    {
      name: TRACE_WITHOUT,
      loop: (n) => {
        for (let i = 0; i < n; i++) {
          const span = new Marked(i);
          sink.last = span;
          box.acc += span.spanId;
          box.acc += 1;
        }
      },
    },
  ]);
}

/** Median of the pair's per-batch differences (with - without), ns. */
function tracedAdds(pair: readonly CaseResult[]): number {
  const a = find(pair, TRACE_WITH).batches;
  const b = find(pair, TRACE_WITHOUT).batches;
  return median(a.map((v, i) => v - b[i]));
}
