// A hyperdimensional-computing similarity service: item memory on the GPU (WebGPU, lavapipe
// without one), GET /similar?item=&noise= answers the best match for a noisy copy of an item,
// GET /health reports every check on the bus. Structured logs, traces, alert rules, and anomaly
// rules that learn a baseline of the service's own latency and match quality.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { correlationId, counter, distribution, telemetry, traceparent, withCorrelation, withTraceparent } from '@rx-telemetry/core';
import { Alerts } from '@rx-telemetry/alerts';
import { Aggregator } from '@rx-telemetry/hdr';
import { health, monitorHealth } from '@rx-telemetry/health';
import { attachLogger } from '@rx-telemetry/logger';
import { bridgeSpans } from '@rx-telemetry/otel';
import { defaultBuckets, PrometheusReporter } from '@rx-telemetry/prometheus';
import { requestInstrumentedDevice } from '@rx-telemetry/webgpu';
import { ComputeBackend, hdcCosine } from '@rx-telemetry/webgpu-kernels';

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: '8080' }, 'metrics-port': { type: 'string', default: '9464' }, items: { type: 'string', default: '64' }, dim: { type: 'string', default: '2048' } },
});
const ms = { from: 'nanosecond', to: 'millisecond' } as const;

// 1. Traces (OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set) and JSON log lines on stdout,
// first: they stop last, so they see everything, the alerts' resolutions at shutdown included.
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'hdc-service' }),
  spanProcessors: process.env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? [] : [new BatchSpanProcessor(new OTLPTraceExporter())],
});
telemetry.manage('otel-provider', () => provider.shutdown());
bridgeSpans(telemetry, { tracer: provider.getTracer('hdc-service'), prefixes: [['http'], ['hdc'], ['compute', 'kernel', 'dispatch']] });
attachLogger(telemetry, { events: [['http', 'server', 'request'], ['hdc', 'query', 'exception'], ['telemetry', 'alert']] });

// 2. Metrics, and the rules over them. The anomaly rules need no threshold: each learns the
// normal level of its series (the mean of its non-breaching values over the last minute).
const aggregator = new Aggregator(telemetry, {
  window: { durationMs: 1000, slices: 4 },
  defaultBuckets, // Prometheus' default buckets where a distribution names none
  metrics: [
    counter('http.server.requests', { eventName: ['http', 'server', 'request', 'stop'], tags: ['route', 'status'] }),
    distribution('hdc.query.stop.duration', { unit: ms, reporterOptions: { buckets: [1, 2.5, 5, 10, 25, 50, 100] } }),
    distribution('hdc.query.stop.score', { description: 'Cosine similarity of the best match', reporterOptions: { buckets: [0.2, 0.4, 0.6, 0.8, 0.9, 1] } }),
    distribution('compute.kernel.dispatch.stop.gpuDuration', { tags: ['kernel'], unit: ms }),
  ],
});
const reporter = new PrometheusReporter(telemetry, { aggregator, defaultLabels: { service: 'hdc' } });
const baseline = { baselineWindowMs: 60_000, minSamples: 3 };
new Alerts(telemetry, {
  aggregator, intervalMs: 200,
  rules: [
    { name: 'SlowQueries', severity: 'critical', metric: 'hdc.query.stop.duration', stat: 'p99', op: '>', threshold: 500 },
    { name: 'QueryLatencyAnomaly', severity: 'warning', anomaly: { metric: 'hdc.query.stop.duration', stat: 'p95', factor: 3, ...baseline } },
    { name: 'SimilarityDropped', severity: 'warning', anomaly: { metric: 'hdc.query.stop.score', stat: 'p50', factor: 0.7, ...baseline } },
  ],
});

// 3. The device and the item memory: random bipolar (±1) hypervectors, one row per item.
const gpu = await requestInstrumentedDevice(telemetry, { deviceId: 'gpu0' });
const backend = new ComputeBackend(gpu);
monitorHealth(telemetry); // after the device's start-up, which blocks the event loop for a moment
const items = Number(args.items);
const dim = Number(args.dim);
let state = 42; // xorshift32: a seeded generator, so runs are repeatable
const random = (): number => ((state ^= state << 13), (state ^= state >>> 17), (state ^= state << 5), (state >>> 0) / 2 ** 32);
const memory = Float32Array.from({ length: items * dim }, () => (random() < 0.5 ? -1 : 1));

async function similar(item: number, noise: number): Promise<{ best: number; score: number; top: { item: number; score: number }[] }> {
  return telemetry.span(['hdc', 'query'], { item, noise }, async (scope) => {
    // The query: item's hypervector with a `noise` share of its components flipped.
    const query = memory.slice(item * dim, (item + 1) * dim).map((v) => (random() < noise ? -v : v));
    const scores = await hdcCosine(backend, query, memory, dim);
    const top = [...scores].map((score, i) => ({ item: i, score })).sort((a, b) => b.score - a.score).slice(0, 3);
    scope.set({ best: top[0].item }).measure({ score: Math.max(0, top[0].score) });
    return { best: top[0].item, score: top[0].score, top };
  });
}

// 4. The HTTP API: one server span per request, continuing the caller's trace.
async function route(url: URL): Promise<{ route: string; status: number; body: unknown }> {
  if (url.pathname === '/health') {
    const report = await health(telemetry);
    return { route: '/health', status: report.status === 'critical' ? 503 : 200, body: report };
  }
  if (url.pathname !== '/similar') return { route: '(unmatched)', status: 404, body: { error: 'not found' } };
  const item = Number(url.searchParams.get('item') ?? 0);
  const noise = Number(url.searchParams.get('noise') ?? 0.1);
  if (!Number.isInteger(item) || !(noise >= 0 && noise <= 1)) return { route: '/similar', status: 400, body: { error: 'item: an integer; noise: 0..1' } };
  if (item < 0 || item >= items) return { route: '/similar', status: 404, body: { error: `no item ${item} (0..${items - 1})` } };
  return { route: '/similar', status: 200, body: await similar(item, noise) };
}

function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  return telemetry.span(['http', 'server', 'request'], { kind: 'server', method: req.method, path: url.pathname }, async (scope) => {
    try {
      const answer = await route(url);
      scope.set({ route: answer.route, status: answer.status });
      res.writeHead(answer.status, { 'content-type': 'application/json', 'x-request-id': correlationId() ?? '', traceresponse: traceparent() ?? '' });
      res.end(JSON.stringify(answer.body));
    } catch (error) {
      scope.set({ route: url.pathname, status: 500 });
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal error"}');
      throw error;
    }
  });
}

const server = createServer((req, res) => void withTraceparent(req.headers.traceparent, () => withCorrelation(() => serve(req, res))).catch(() => undefined));
await new Promise<void>((resolve) => server.listen(Number(args.port), '127.0.0.1', resolve));
telemetry.manage('http-server', () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeIdleConnections(); }));
const metrics = await reporter.listen({ port: Number(args['metrics-port']) });
const { port } = server.address() as { port: number };
console.log(`hdc-service on http://127.0.0.1:${port} (${items} items of ${dim} dimensions on ${gpu.info.description}); try /similar?item=3&noise=0.2 and /health; metrics on ${metrics.url}/metrics`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    const report = await telemetry.shutdown();
    console.log(`stopped: ${report.stopped.join(', ')}`);
  });
}
