// An instrumented node:http server: the template to start from. Each request runs in its own
// correlation id (echoed in `x-request-id`) and continues the caller's W3C trace (`traceparent`);
// one span per request feeds the metrics (by route and status), the JSON log lines and the
// OpenTelemetry spans, which all carry the same trace id.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { correlationId, counter, distribution, telemetry, traceparent, withCorrelation, withTraceparent } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { health, monitorHealth } from '@rx-telemetry/health';
import { attachLogger } from '@rx-telemetry/logger';
import { bridgeSpans } from '@rx-telemetry/otel';
import { PrometheusReporter } from '@rx-telemetry/prometheus';

const { values: args } = parseArgs({ options: { port: { type: 'string', default: '8080' }, 'metrics-port': { type: 'string', default: '9464' } } });
const REQUEST = ['http', 'server', 'request'];

// 1. Metrics: one span per request feeds them all (names as OpenTelemetry's HTTP conventions).
// Exemplars: each series (and duration bucket) keeps its latest request's trace and span id, so a
// Prometheus with exemplar storage links a latency spike to the very trace behind it.
const aggregator = new Aggregator(telemetry, {
  exemplars: true,
  metrics: [
    counter('http.server.requests', { eventName: [...REQUEST, 'stop'], tags: ['method', 'route', 'status'], description: 'Answered requests' }),
    counter('http.server.exceptions', { eventName: [...REQUEST, 'exception'], tags: ['method', 'route'], description: 'Requests whose handler threw (answered 500)' }),
    distribution('http.server.request.duration', {
      eventName: [...REQUEST, 'stop'], measurement: 'duration', tags: ['method', 'route'],
      unit: { from: 'nanosecond', to: 'second' }, reporterOptions: { buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] },
    }),
  ],
});
const reporter = new PrometheusReporter(telemetry, { aggregator, defaultLabels: { service: 'http-server-example' } });
monitorHealth(telemetry);

// 2. Spans to OpenTelemetry: exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
// The provider is yours: register its shutdown before the bridge, so the bridge stops first.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const otlp = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'http-server-example' }),
  spanProcessors: otlp === undefined ? [] : [new BatchSpanProcessor(new OTLPTraceExporter())],
});
telemetry.manage('otel-provider', () => provider.shutdown());
bridgeSpans(telemetry, { tracer: provider.getTracer('http-server-example'), prefixes: [['http'], ['db']] });

// 3. One JSON line per request (and per exception, with its stack) on stdout, with trace_id and span_id.
attachLogger(telemetry, { events: [[...REQUEST, 'stop'], [...REQUEST, 'exception'], ['db', 'query', 'exception']] });

// 4. The application: a route table; the label is the route, never the raw path (bounded cardinality).
interface Answer { status: number; body: unknown }
const users = new Map([['1', { id: '1', name: 'Ada' }], ['2', { id: '2', name: 'Grace' }]]);
const routes: { method: string; route: string; pattern: RegExp; handle: (params: string[]) => Promise<Answer> | Answer }[] = [
  { method: 'GET', route: '/hello', pattern: /^\/hello$/, handle: () => ({ status: 200, body: { hello: 'world' } }) },
  {
    method: 'GET', route: '/users/:id', pattern: /^\/users\/([^/]+)$/,
    handle: async ([id]) => {
      // A child span: same trace, its own span id.
      const user = await telemetry.span(['db', 'query'], { table: 'users' }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return users.get(id);
      });
      return user === undefined ? { status: 404, body: { error: `no user ${id}` } } : { status: 200, body: user };
    },
  },
  { method: 'GET', route: '/boom', pattern: /^\/boom$/, handle: () => { throw new Error('a bug in the handler'); } },
  { method: 'GET', route: '/health', pattern: /^\/health$/, handle: async () => { const h = await health(telemetry); return { status: h.status === 'critical' ? 503 : 200, body: h }; } },
];

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': correlationId() ?? '', traceresponse: traceparent() ?? '' });
  res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const found = routes.find((r) => r.method === req.method && r.pattern.test(path));
  const route = found?.route ?? '(unmatched)';
  await telemetry.span(REQUEST, { kind: 'server', method: req.method, route, path }, async (scope) => {
    let answer: Answer;
    try {
      answer = found === undefined ? { status: 404, body: { error: 'not found' } } : await found.handle(found.pattern.exec(path)!.slice(1));
    } catch (error) {
      // An exception (a bug): the span ends with an exception event; the client gets a 500.
      scope.set({ status: 500 });
      send(res, 500, { error: 'internal error', requestId: correlationId() });
      throw error;
    }
    // An error response (404, 503, …) is an answer: the span stops normally, with its status.
    scope.set({ status: answer.status });
    send(res, answer.status, answer.body);
  });
}

const requestId = (header: string | string[] | undefined): string | undefined =>
  typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : undefined;

const server = createServer((req, res) => {
  const run = (): Promise<void> => handle(req, res).catch(() => undefined); // already on the bus and in the log
  const id = requestId(req.headers['x-request-id']);
  void withTraceparent(req.headers.traceparent, () => (id === undefined ? withCorrelation(run) : withCorrelation(id, run)));
});

// 5. Start, and stop everything with one call (the server was registered last, so it closes first).
await new Promise<void>((resolve) => server.listen(Number(args.port), '127.0.0.1', resolve));
telemetry.manage('http-server', () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeIdleConnections(); }));
const metrics = await reporter.listen({ port: Number(args['metrics-port']) });
const { port } = server.address() as { port: number };
console.log(`listening on http://127.0.0.1:${port} (try /hello, /users/1, /users/9, /boom, /health); metrics on ${metrics.url}/metrics`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    const report = await telemetry.shutdown();
    console.log(`stopped: ${report.stopped.join(', ')}`);
  });
}
