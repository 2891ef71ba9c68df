// The full demo: real WebGPU kernels (Dawn; lavapipe on GPU-less machines) report themselves to
// the bus; an HDR aggregator turns them into percentiles that a real Prometheus scrapes; spans go
// to OpenTelemetry, events to a pino JSON-lines file; a p99 alert rule and health watch it all.
import { counter, distribution, lastValue, sum, telemetry, withCorrelation } from '@rx-telemetry/core';
import { Aggregator, type MetricsSnapshot } from '@rx-telemetry/hdr';
import { PrometheusReporter, defaultBuckets } from '@rx-telemetry/prometheus';
import { requestInstrumentedDevice } from '@rx-telemetry/webgpu';
import { ComputeBackend, hdcCosine, matmul, reduceSum as gpuSum, vectorAdd } from '@rx-telemetry/webgpu-kernels';
import { bridgeSpans } from '@rx-telemetry/otel';
import { attachLogger } from '@rx-telemetry/logger';
import { Alerts, logHandler } from '@rx-telemetry/alerts';
import { health, monitorHealth } from '@rx-telemetry/health';
import { startPoller } from '@rx-telemetry/poller';
import { startPrometheus } from '@rx-telemetry/devkit/prometheus';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';

const JOBS = Number(process.env.DEMO_JOBS ?? 24);
const out = mkdtempSync(join(tmpdir(), 'rx-telemetry-demo-'));

// 1. What to measure: one set of definitions for every reporter.
const metrics = [
  distribution('compute.kernel.dispatch.stop.duration', {
    tags: ['kernel'],
    unit: { from: 'nanosecond', to: 'second' },
    description: 'Kernel dispatch time, submit to done (CPU side)',
  }),
  distribution('compute.kernel.dispatch.stop.gpuDuration', {
    tags: ['kernel'],
    unit: { from: 'nanosecond', to: 'second' },
    description: 'Kernel execution time from GPU timestamp queries',
  }),
  counter('compute.kernel.dispatch.stop.count', { tags: ['kernel', 'category'], description: 'Dispatches by kernel and speed category' }),
  sum('compute.memory.transfer.stop.bytes', { tags: ['direction'], unit: 'byte', description: 'Bytes moved between host and device' }),
  distribution('demo.job.stop.duration', { unit: { from: 'nanosecond', to: 'second' }, description: 'One demo job (four kernels)' }),
  lastValue('vm.memory.heapUsed', { unit: 'byte', description: 'V8 heap used' }),
];
// One lifecycle: the aggregator first, then what reads it, then what feeds it; one shutdown stops them in reverse.
const aggregator = new Aggregator(telemetry, { metrics, defaultBuckets, window: { durationMs: 60_000, slices: 6 } });

// 2. Exporters: a /metrics endpoint scraped by a real Prometheus, OTel spans, pino lines.
const reporter = new PrometheusReporter(telemetry, { aggregator, prefix: 'rx', defaultLabels: { app: 'demo' } });
monitorHealth(telemetry);
const server = await reporter.listen({ port: 0, health: () => health(telemetry) });
const prometheus = await startPrometheus([{ job: 'rx-demo', target: new URL(server.url).host }], { intervalS: 1 });

const spans = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const bridge = bridgeSpans(telemetry, { tracer: provider.getTracer('rx-telemetry-demo') });

const logFile = join(out, 'events.jsonl');
const logger = attachLogger(telemetry, { destination: logFile, events: [['compute', 'kernel'], ['demo']] });

const alerts = new Alerts(telemetry, {
  aggregator,
  intervalMs: 250,
  rules: [
    // On lavapipe (CPU) the 128x128 matmul takes several ms, so this one fires in the demo.
    { name: 'SlowKernel', severity: 'info', metric: 'compute.kernel.dispatch.stop.duration', stat: 'p99', op: '>', threshold: 0.005 },
    { name: 'KernelP99High', severity: 'warning', metric: 'compute.kernel.dispatch.stop.duration', stat: 'p99', op: '>', threshold: 0.25 },
  ],
  handlers: [logHandler(pino({ level: 'warn' }, pino.destination(2)))],
});
const poller = startPoller(telemetry, { periodMs: 500 });

// 3. The workload: real kernels on the instrumented device, one correlated span per job.
const gpu = await requestInstrumentedDevice(telemetry, { deviceId: 'gpu0' });
const backend = new ComputeBackend(gpu);
console.log(`device: ${gpu.info.description}${gpu.info.fallback ? ' (CPU fallback adapter)' : ''}`);

const n = 1 << 16;
const x = Float32Array.from({ length: n }, (_, i) => i % 13);
const a = Float32Array.from({ length: 128 * 128 }, (_, i) => (i % 7) - 3);
const dim = 2048;
const memory = Float32Array.from({ length: 32 * dim }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1 > 0 ? 1 : -1);
let checks = 0;
for (let job = 0; job < JOBS; job++) {
  await withCorrelation(`job-${job}`, () =>
    telemetry.span(['demo', 'job'], { job }, async () => {
      const added = await vectorAdd(backend, x, x);
      const total = await gpuSum(backend, added);
      await matmul(backend, a, a, { m: 128, k: 128, n: 128 });
      const query = memory.subarray((job % 32) * dim, (job % 32 + 1) * dim);
      const sims = await hdcCosine(backend, query, memory, dim);
      // The kernels are checked here too, cheaply: sum of 2x and the query matching itself.
      if (Math.abs(total - 2 * x.reduce((s, v) => s + v, 0)) < 1e-3 * total && sims.indexOf(Math.max(...sims)) === job % 32) checks++;
    }),
  );
}

// 4. Read it back: our own percentiles, then the same series through a real Prometheus.
const snapshot: MetricsSnapshot = aggregator.snapshot();
const table = snapshot.metrics
  .find((m) => m.name === 'compute.kernel.dispatch.stop.duration')
  ?.series.map((s) => ({
    kernel: s.tags.kernel,
    count: s.total?.count,
    'p50 ms': ((s.total?.p50 ?? 0) * 1e3).toFixed(3),
    'p99 ms': ((s.total?.p99 ?? 0) * 1e3).toFixed(3),
    'max ms': ((s.total?.max ?? 0) * 1e3).toFixed(3),
  }));
console.log(`\n${JOBS} jobs, ${checks}/${JOBS} results verified against CPU references`);
console.table(table);

const bucket = reporter
  .render()
  .split('\n')
  .find((l) => l.startsWith('rx_compute_kernel_dispatch_stop_duration') && l.includes('_bucket'))
  ?.split('{')[0];
if (bucket === undefined) throw new Error('no dispatch duration histogram in /metrics');
const promql = `histogram_quantile(0.99, sum by (le, kernel) (${bucket}{job="rx-demo"}))`;
const jobsTotal = snapshot.metrics.find((m) => m.name === 'compute.kernel.dispatch.stop.duration')?.series.reduce((s, x) => s + (x.total?.count ?? 0), 0) ?? 0;
await prometheus.waitFor(`sum(${bucket.replace(/_bucket$/, '_count')}{job="rx-demo"})`, (r) => Number(r[0]?.value[1]) >= jobsTotal);
const fromPrometheus = await prometheus.query(promql);
console.log(`\nPrometheus ${prometheus.url} scraped ${server.url}/metrics; p99 by kernel (histogram_quantile over our buckets):`);
for (const sample of fromPrometheus) console.log(`  ${sample.metric.kernel}: ${(Number(sample.value[1]) * 1e3).toFixed(3)} ms`);

const report = await health(telemetry);
await logger.flush();
const lines = readFileSync(logFile, 'utf8').trim().split('\n').length;
const fired = alerts.history().filter((al) => al.status === 'firing');
console.log(`\nhealth: ${report.status}; alerts fired: ${fired.map((al) => `${al.name}{kernel=${al.labels.kernel}}`).join(', ') || 'none'}`);
const finished = spans.getFinishedSpans();
const lastJob = finished.filter((sp) => sp.name === 'demo.job').at(-1);
const children = finished.filter((sp) => sp.parentSpanContext?.spanId === lastJob?.spanContext().spanId);
const ms = (sp: (typeof finished)[number]): string => ((sp.endTime[0] - sp.startTime[0]) * 1e3 + (sp.endTime[1] - sp.startTime[1]) / 1e6).toFixed(3);
console.log(`OpenTelemetry spans exported: ${finished.length}; the last job's trace ${lastJob?.spanContext().traceId}:`);
if (lastJob !== undefined) console.log(`  demo.job ${ms(lastJob)} ms`);
const groups = new Map<string, { count: number; ms: number }>();
for (const child of children) {
  const label = `${child.name}${child.attributes.kernel === undefined ? '' : ` (${String(child.attributes.kernel)})`}`;
  const g = groups.get(label) ?? { count: 0, ms: 0 };
  g.count++;
  g.ms += Number(ms(child));
  groups.set(label, g);
}
for (const [label, g] of groups) console.log(`    ${label} x${g.count}: ${g.ms.toFixed(3)} ms`);
console.log(`log lines: ${lines} (${logFile})`);
console.log(`device memory: ${JSON.stringify(gpu.memory())}`);

// 5. Shut down: one call stops every part in reverse order of creation; nothing is lost.
await telemetry.shutdown();
await prometheus.stop();
void bridge;
console.log('done');
