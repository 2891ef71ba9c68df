// A multi-stage async pipeline (fetch → parse → enrich → write) whose events are named
// [app, component, operation, phase]. Items cross the stages on queues, so each stage re-enters
// the item's correlation id and continues its trace (traceparent) by hand; one set of
// definitions goes to StatsD and Prometheus, spans to OpenTelemetry, and a suppressed alert
// watches the writer.
import { parseArgs } from 'node:util';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { counter, distribution, telemetry, traceparent, withCorrelation, withTraceparent, type MetricDefinition } from '@rx-telemetry/core';
import { Alerts, ALERT_FIRED_EVENT, type Alert } from '@rx-telemetry/alerts';
import { Aggregator } from '@rx-telemetry/hdr';
import { bridgeSpans } from '@rx-telemetry/otel';
import { PrometheusReporter } from '@rx-telemetry/prometheus';
import { StatsdReporter } from '@rx-telemetry/statsd';
import { Channel } from './channel.js';

const { values: args } = parseArgs({
  options: { items: { type: 'string', default: '200' }, statsd: { type: 'string', default: '127.0.0.1:8125' }, port: { type: 'string', default: '9464' } },
});
const APP = 'ingest';
const STAGES = [['fetcher', 'fetch'], ['parser', 'parse'], ['enricher', 'enrich'], ['writer', 'write']] as const;

// 1. One set of definitions, generated per stage: runs, failures and latency of [app, component, operation].
const metrics: MetricDefinition[] = STAGES.flatMap(([component, operation]) => [
  counter(`${APP}.${component}.${operation}.stop.count`),
  counter(`${APP}.${component}.${operation}.exception.count`),
  distribution(`${APP}.${component}.${operation}.stop.duration`, { unit: { from: 'nanosecond', to: 'millisecond' }, reporterOptions: { buckets: [1, 5, 10, 25, 50] } }),
]);
const aggregator = new Aggregator(telemetry, { metrics, window: { durationMs: 400, slices: 4 } });
const prometheus = new PrometheusReporter(telemetry, { aggregator, defaultLabels: { app: APP } });
const server = await prometheus.listen({ port: Number(args.port) });
const [host, port] = args.statsd.split(':');
new StatsdReporter(telemetry, { metrics, host, port: Number(port) });

// 2. Spans to OpenTelemetry (OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set).
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': APP }),
  spanProcessors: process.env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? [] : [new BatchSpanProcessor(new OTLPTraceExporter())],
});
telemetry.manage('otel-provider', () => provider.shutdown());
bridgeSpans(telemetry, { tracer: provider.getTracer(APP), prefixes: [[APP]] });

// 3. An alert on the writer's p99 over the last 400 ms; suppression: it must breach on two
// evaluations in a row, and is notified at most once a minute (re-fires are on the bus, marked suppressed).
const notify = (alert: Alert): void => console.log(`alert ${alert.name} ${alert.status} (notified)`);
let fired = 0;
telemetry.attach('count-fired', ALERT_FIRED_EVENT, () => void fired++);
new Alerts(telemetry, {
  aggregator, intervalMs: 50, handlers: [notify], suppression: { occurrenceThreshold: 2, minIntervalMs: 60_000 },
  rules: [{ name: 'SlowWrites', severity: 'warning', metric: `${APP}.writer.write.stop.duration`, stat: 'p99', op: '>', threshold: 20 }],
});

// 4. The stages. An item carries its id and traceparent across each queue; each stage continues both.
interface Item { readonly id: string; readonly n: number; readonly trace: string | undefined }
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const work: Record<string, (item: Item) => Promise<void>> = {
  fetch: () => sleep(1),
  parse: async (item) => { if (item.n % 25 === 24) throw new Error(`item ${item.id} is malformed`); },
  enrich: () => sleep(2),
  write: (item) => sleep(item.n % 50 >= 40 ? 25 : 1), // slow in bursts: 10 items in every 50
};
const queues = STAGES.map(() => new Channel<Item>());
let written = 0;
const stages = STAGES.map(async ([component, operation], i) => {
  for await (const item of queues[i]) {
    await withTraceparent(item.trace, () => withCorrelation(item.id, () =>
      telemetry.span([APP, component, operation], { kind: 'consumer', item: item.n }, async () => {
        await work[operation](item);
        if (i + 1 < queues.length) queues[i + 1].push({ ...item, trace: traceparent() });
        else written++;
      }),
    )).catch(() => undefined); // a failed item ends here; its exception event is counted
  }
  queues[i + 1]?.close();
});

console.log(`metrics on ${server.url}/metrics; StatsD to ${args.statsd}`);
const items = Number(args.items);
for (let n = 0; n < items; n++) {
  queues[0].push({ id: `item-${n}`, n, trace: undefined });
  await sleep(5);
}
queues[0].close();
await Promise.all(stages);

// 5. The per-stage summary, then one shutdown.
const snapshot = aggregator.snapshot();
const value = (name: string) => snapshot.metrics.find((m) => m.name === name)?.series[0];
for (const [component, operation] of STAGES) {
  const stem = `${APP}.${component}.${operation}`;
  const d = value(`${stem}.stop.duration`)?.total;
  console.log(`${[APP, component, operation].join('.').padEnd(22)} ok ${value(`${stem}.stop.count`)?.value ?? 0}, failed ${value(`${stem}.exception.count`)?.value ?? 0}, p50 ${d?.p50.toFixed(1)} ms, p99 ${d?.p99.toFixed(1)} ms`);
}
await telemetry.shutdown();
console.log(`items: ${items} in, ${written} written; alert fired ${fired} time(s) on the bus`);
