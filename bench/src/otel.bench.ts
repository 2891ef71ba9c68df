// The OpenTelemetry bridge against the SDK span a user would otherwise start by hand. Both sides
// use the same provider (no-op processor, so the exporter is not what is measured) and the same
// AsyncLocalStorage context manager, which the bridge needs for parenting.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Telemetry } from '@rx-telemetry/core';
import { bridgeSpans } from '@rx-telemetry/otel';
import { consume, find, measure, ratio, report, type CaseResult, type SuiteResult, pairedRatio } from './harness.js';

/**
 * `a` over `b` as the median of their per-round ratios: measure() runs every case once per round,
 * so a round's two batches share the machine's state (this VM's neighbours come and go); a ratio
 * of two whole-run medians does not pair them.
 */


export async function run(): Promise<SuiteResult> {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const provider = new BasicTracerProvider({ spanProcessors: [new NoopSpanProcessor()] });
  const tracer = provider.getTracer('bench');
  const metadata = { table: 'users' };
  const prefix = ['db', 'query'];
  let acc = 0;
  const work = (): number => 1;

  const bridged = new Telemetry();
  const bridge = bridgeSpans(bridged, { tracer, orphanTimeoutMs: Infinity });
  const plain = new Telemetry();
  plain.attachMany('h', [['db', 'query', 'start'], ['db', 'query', 'stop']], (_e, m) => {
    acc += m.monotonicTime;
  });

  const results = measure([
    {
      name: 'OTel SDK startSpan+end',
      loop: (n) => {
        for (let i = 0; i < n; i++) {
          const span = tracer.startSpan('db.query', { attributes: metadata });
          acc += work();
          span.end();
        }
      },
    },
    {
      name: 'OTel SDK startActiveSpan+end',
      loop: (n) => {
        for (let i = 0; i < n; i++) {
          acc += tracer.startActiveSpan('db.query', { attributes: metadata }, (span) => {
            const r = work();
            span.end();
            return r;
          });
        }
      },
    },
    { name: 'bridged core span()', loop: (n) => { for (let i = 0; i < n; i++) acc += bridged.span(prefix, metadata, work); } },
    { name: 'core span(), start+stop handlers, no bridge', loop: (n) => { for (let i = 0; i < n; i++) acc += plain.span(prefix, metadata, work); } },
  ], { batches: 31 });
  consume(acc);
  await bridge.stop();
  context.disable();
  manager.disable();

  const r = (name: string): CaseResult => find(results, name);
  // Two peers: a bare startSpan+end (what the budget names) and startActiveSpan, which
  // also makes the span active for its callback the way the bridge must for user spans to nest
  // under it. The activation alone (a context copy and an AsyncLocalStorage run) costs OTel
  // itself ~1.35x over the bare span, so the first budget is reported, not gamed.
  return report('otel', results, ['OTel SDK startSpan+end', 'OTel SDK startActiveSpan+end'], [
    ratio('bridged span <= 1.4x an SDK span started directly (startSpan+end; paired rounds)', pairedRatio(r('bridged core span()'), r('OTel SDK startSpan+end')), 1, 1.4),
    ratio('bridged span <= 1.4x an SDK span made active (startActiveSpan; paired rounds)', pairedRatio(r('bridged core span()'), r('OTel SDK startActiveSpan+end')), 1, 1.4),
  ]);
}
