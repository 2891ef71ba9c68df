// One run through what a span's `run` must do (ids, nesting, correlation, set/measure, a throwing
// callback, promises, a throwing and a late handler, streams, onEnd), on a `spanEvent()` handle
// made hot (code of its own where code generation is allowed) or on `bus.span` (the shared run);
// used in-process and in a child process where code generation from strings is disallowed.
import type * as Core from '../src/index.js';
import { ARM_AFTER } from '../src/span-run-code.js';

export interface SpanRunResult {
  /** Whether the span event ran with code of its own. */
  readonly armed: boolean;
  readonly events: string[];
  readonly failures: string[];
  readonly results: unknown[];
  readonly ended: string[];
}

/** Binds a span-context hook that calls `onSpan` and runs the callback inside. */
export function bindSpanContextFor(t: Core.Telemetry, onSpan: (span: Core.SpanContextInfo) => void): () => void {
  return t.bindSpanContext((span, fn) => {
    onSpan(span);
    return fn();
  });
}

export async function spanRunScenario(core: typeof Core, hot: boolean): Promise<SpanRunResult> {
  const t = new core.Telemetry();
  const events: string[] = [];
  const failures: string[] = [];
  const results: unknown[] = [];
  const ended: string[] = [];
  let base = 0;
  // Ids relative to the first span of the scenario: both runs number their spans alike.
  const id = (v: unknown): unknown => (typeof v === 'number' ? v - base : v);
  const show = (md: Core.Metadata): string =>
    JSON.stringify(Object.entries(md).map(([k, v]) => [k, k === 'spanId' || k === 'parentSpanId' ? id(v) : v instanceof Error ? v.message : k === 'stacktrace' ? '…' : v]));
  t.attach('failures', core.HANDLER_FAILURE_EVENT, (_e, _m, md) => void failures.push(`${String(md.handlerId)}:${(md.error as Error).message}`));
  const record = (e: Core.EventName, m: Core.Measurements, md: Core.Metadata): void => {
    events.push(`${e.join('.')} ${Object.keys(m).join(',')} ${show(md)} ${String(m.bytes ?? '')}`);
  };
  t.attachMany('rec', [['job', 'start'], ['job', 'stop'], ['job', 'exception']], record);
  const run = <T>(md: Core.Metadata, fn: (scope: Core.SpanScope) => T): T => (hot ? ev.run(md, fn) : t.span(['job'], md, fn));
  const ev = t.spanEvent(['job']);
  if (hot) for (let i = 0; i < ARM_AFTER + 1; i++) ev.run({}, () => i);
  const armed = (ev as unknown as { run: { name: string } }).run.name.startsWith('run_');
  events.length = 0;
  t.attach('base', ['base', 'stop'], () => undefined);
  base = t.span(['base'], {}, (s) => s.spanId);
  results.push(run({ a: 1 }, () => 'plain'));
  results.push(core.withCorrelation('corr', () => run({ a: 2 }, () => run({ b: 3 }, () => core.correlationId()))));
  results.push(run({ spanId: 99, c: 4 }, (scope) => scope.set({ added: true }).measure({ bytes: 5 }) && 'set'));
  try {
    run({ d: 5 }, () => {
      throw new Error('thrown');
    });
  } catch (e) {
    results.push(`caught ${(e as Error).message}`);
  }
  results.push(core.currentSpanId() === undefined ? 'context restored' : 'context leaked');
  results.push(await run({ e: 6 }, async () => 'async'));
  results.push(await run({ f: 7 }, async () => Promise.reject(new Error('rejected'))).catch((e: Error) => e.message));
  // A start handler that throws (detached, reported), one attached late, and a stream.
  t.attach('thrower', ['job', 'start'], () => {
    throw new Error('start handler');
  });
  t.attach('late', ['job', 'stop'], (_e, m) => void events.push(`late ${Object.keys(m).join(',')}`));
  const sub = t.events(['job']).subscribe((e) => events.push(`stream ${e.name.join('.')}`));
  results.push(run({ g: 8 }, () => 'after'));
  sub.unsubscribe();
  const unbind = t.bindSpanContext((_span, fn) => fn(), { onEnd: (end) => void ended.push(`${id(end.spanId) as number}:${end.failed}`) });
  results.push(run({ h: 9 }, () => 'hooked'));
  unbind();
  t.detach('rec');
  t.detach('late');
  results.push(run({ i: 10 }, (scope) => scope.spanId === 0 ? 'idle' : 'observed'));
  return { armed, events, failures, results, ended };
}
