// Core primitives against what a user would pick instead: EventEmitter, diagnostics_channel,
// an RxJS Subject, Node's TracingChannel (with a clock and an AsyncLocalStorage, the fairest span
// peer) and an OpenTelemetry SDK span. Budgets: bench/budgets.json.
import { BasicTracerProvider, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Telemetry, type Handler, type SpanEvent } from '@rx-telemetry/core';
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    atMost('trace context adds <= 30 ns to a span nobody reads ids of (core copies, paired batches)', tracedAdds(tracePair), 30),
  ]);
}

type Core = typeof import('@rx-telemetry/core');
export const TRACE_WITH = 'spanEvent(prefix).run, start+stop handlers, core copy as built';
export const TRACE_WITHOUT = 'spanEvent(prefix).run, start+stop handlers, core copy without trace-context bookkeeping';

/**
 * What W3C trace context adds to a span when nobody reads the ids (budget trace.context.span): the
 * same span, nobody reading ids, in two copies of core's build loaded side by side, one as built
 * and one with the span path's only per-span trace-context work taken out (marking which span a
 * start/stop handler's currentTraceContext() reads; the ids themselves are made on first read, so
 * none are made here). Both are copies so that neither pair member is the module the other cases
 * already warmed; their batches interleave in one measure() group and pair up.
 */
async function traceContextPair(box: { acc: number }): Promise<CaseResult[]> {
  const asBuilt = await coreCopy('core-as-built', (source) => source);
  const without = await coreCopy('core-without-trace-bookkeeping', withoutTraceBookkeeping);
  const metadata = { kernel: 'add' };
  const work = (): number => 1;
  // Each copy gets a loop (and handler) literal of its own: one shared literal would see both
  // copies' run() at its call site and inline neither.
  const withIds = spanEventOf(asBuilt, true, ['job', 'run'], (_e, m) => {
    box.acc += m.monotonicTime;
  });
  const withoutIds = spanEventOf(without, false, ['job', 'run'], (_e, m) => {
    box.acc += m.monotonicTime;
  });
  return measure([
    { name: TRACE_WITH, peer: TRACE_WITHOUT, loop: (n) => { for (let i = 0; i < n; i++) box.acc += withIds.run(metadata, work); } },
    { name: TRACE_WITHOUT, peer: TRACE_WITH, loop: (n) => { for (let i = 0; i < n; i++) box.acc += withoutIds.run(metadata, work); } },
  ]);
}

/** The span event measured on a copy, after checking the copy differs where it should: as built, a stop handler sees its span's ids; without, none. */
function spanEventOf(core: Core, traced: boolean, prefix: string[], handler: Handler): SpanEvent {
  const probe = new core.Telemetry();
  let seen: unknown;
  probe.attach('probe', ['probe', 'stop'], () => void (seen = core.currentTraceContext()));
  probe.span(['probe'], {}, () => 0);
  if ((seen !== undefined) !== traced) throw new Error('core bench: the trace-context pair does not differ in trace context');
  const bus = new core.Telemetry();
  bus.attachMany('h', [[...prefix, 'start'], [...prefix, 'stop']], handler);
  return bus.spanEvent(prefix);
}

/** Median of the pair's per-batch differences (with - without), ns. */
function tracedAdds(pair: readonly CaseResult[]): number {
  const a = find(pair, TRACE_WITH).batches;
  const b = find(pair, TRACE_WITHOUT).batches;
  return median(a.map((v, i) => v - b[i]));
}

/** A copy of @rx-telemetry/core's build (bench/dist/variants/<name>), its live-span.js passed through `patch`, loaded as a module of its own. */
async function coreCopy(name: string, patch: (source: string) => string): Promise<Core> {
  const from = dirname(fileURLToPath(import.meta.resolve('@rx-telemetry/core')));
  const to = fileURLToPath(new URL(`../variants/${name}/`, import.meta.url));
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, filter: (f) => !f.endsWith('.map') && !f.endsWith('.d.ts') });
  const file = join(to, 'live-span.js');
  writeFileSync(file, patch(readFileSync(file, 'utf8')));
  return (await import(pathToFileURL(join(to, 'index.js')).href)) as Core;
}

// Takes out each `enterDispatch(span)` … `enterDispatch(outer)` pair around a span's dispatches and
// nothing else; fails loudly when the build no longer has them (the pair would measure nothing).
function withoutTraceBookkeeping(source: string): string {
  const enter = /const outer = enterDispatch\((?:this|span)\);/g;
  const restore = /enterDispatch\(outer\);/g;
  const n = source.match(enter)?.length ?? 0;
  if (n === 0 || n !== (source.match(restore)?.length ?? 0)) throw new Error('core bench: live-span.js has no enterDispatch pairs to take out; update the trace-context pair');
  return source.replace(enter, 'const outer = undefined;').replace(restore, 'void outer;');
}
