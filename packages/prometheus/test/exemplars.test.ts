import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { runTool, startPrometheus, type PrometheusPeer } from '@rx-telemetry/devkit/prometheus';
import { Aggregator } from '@rx-telemetry/hdr';
import { bridgeSpans } from '@rx-telemetry/otel';
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { PrometheusReporter, type Listening } from '../src/index.js';

const PARSER = fileURLToPath(new URL('../../test/fixtures/parse_openmetrics.py', import.meta.url));
const REQUEST = ['http', 'request'];
const STOP = [...REQUEST, 'stop'];
const BUCKETS = [0.005, 0.025, 0.1, 0.5];
const LATENCIES_MS = [1, 3, 12, 20, 60, 90, 300, 2000];

interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  exemplar: { labels: Record<string, string>; value: number; timestamp: number } | null;
}

/** A bus bridged to an OpenTelemetry SDK, an aggregator keeping exemplars, and `n` request spans. */
function instrumented(): { telemetry: Telemetry; agg: Aggregator; exporter: InMemorySpanExporter; reporter: PrometheusReporter; done: () => Promise<void> } {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  const telemetry = new Telemetry();
  const agg = new Aggregator(telemetry, {
    exemplars: true,
    metrics: [
      counter('http.requests', { eventName: STOP, tags: ['route'] }),
      distribution('http.request.duration', { eventName: STOP, measurement: 'latency', tags: ['route'], unit: { from: 'millisecond', to: 'second' }, reporterOptions: { buckets: BUCKETS } }),
    ],
  });
  bridgeSpans(telemetry);
  const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
  for (const latency of LATENCIES_MS) telemetry.span(REQUEST, { route: '/cart' }, (scope) => void scope.measure({ latency }));
  return {
    telemetry,
    agg,
    exporter,
    reporter,
    done: async () => {
      await telemetry.shutdown();
      trace.disable();
      context.disable();
    },
  };
}

describe('exemplars', () => {
  it('OpenMetrics carries the latest exemplar of each counter series and bucket, with the spans the OTel bridge exported; the text format none', async () => {
    const { exporter, reporter, done } = instrumented();
    const spans = new Set(exporter.getFinishedSpans().map((s) => `${s.spanContext().traceId}/${s.spanContext().spanId}`));
    const om = reporter.render('openmetrics');
    const text = reporter.render('text');
    await done();
    expect(text).not.to.contain('#{').and.not.to.contain('trace_id');
    const r = await runTool('/usr/bin/python3', [PARSER], om);
    expect(r.stderr).to.equal('');
    const samples = JSON.parse(r.stdout) as ParsedSample[];
    const counted = samples.find((s) => s.name === 'http_requests_total');
    expect(counted?.exemplar?.value).to.equal(1);
    const buckets = samples.filter((s) => s.name === 'http_request_duration_seconds_bucket');
    // The latest latency in each bucket: 3 ms, 20 ms, 90 ms, 300 ms, and 2 s above every bound.
    expect(buckets.map((b) => b.exemplar?.value ?? null)).to.deep.equal([0.003, 0.02, 0.09, 0.3, 2]);
    for (const s of [counted, ...buckets]) {
      const { trace_id: traceId, span_id: spanId } = s?.exemplar?.labels ?? {};
      expect(traceId).to.match(/^[0-9a-f]{32}$/);
      expect(spans.has(`${traceId}/${spanId}`), `${traceId}/${spanId} was exported`).to.equal(true);
      expect((s?.exemplar?.timestamp ?? 0) * 1000).to.be.within(Date.now() - 60_000, Date.now());
    }
    // The exemplar's label set stays under OpenMetrics' 128 characters.
    for (const line of om.split('\n').filter((l) => l.includes(' # {'))) expect(/# (\{[^}]*\})/.exec(line)?.[1].length).to.be.below(128);
  });

  describe('against a real Prometheus 2.42 with --enable-feature=exemplar-storage', function () {
    this.timeout(60_000);
    let prometheus: PrometheusPeer;
    let server: Listening;
    let setup: ReturnType<typeof instrumented>;

    before(async () => {
      setup = instrumented();
      server = await setup.reporter.listen({ port: 0 });
      prometheus = await startPrometheus([{ job: 'app', target: new URL(server.url).host }], { extraArgs: ['--enable-feature=exemplar-storage'] });
    });

    after(async () => {
      await prometheus?.stop();
      await setup?.done();
    });

    it('returns our exemplars from /api/v1/query_exemplars, their trace ids those of the exported spans', async () => {
      type Found = { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; value: string }[] }[];
      const query = async (selector: string): Promise<Found> => {
        const url = `${prometheus.url}/api/v1/query_exemplars?query=${encodeURIComponent(selector)}&start=${Date.now() / 1000 - 600}&end=${Date.now() / 1000 + 60}`;
        const body = (await (await fetch(url)).json()) as { status: string; data: Found };
        return body.status === 'success' ? body.data : [];
      };
      let found: Found = [];
      for (let i = 0; i < 100 && found.reduce((n, s) => n + s.exemplars.length, 0) < 5; i++) {
        found = await query('http_request_duration_seconds_bucket{job="app"}');
        await new Promise((r) => setTimeout(r, 200));
      }
      const exported = new Map(setup.exporter.getFinishedSpans().map((s) => [s.spanContext().spanId, s.spanContext().traceId]));
      const ours: string[] = [];
      setup.agg.collect({
        histogram: (m, _s, r) => {
          for (let j = 0; j <= (m.buckets?.length ?? 0); j++) {
            const e = r.exemplar(j);
            if (e !== undefined) ours.push(`${e.traceId}/${e.spanId}/${e.value}`); // seconds: the metric's unit is the base unit
          }
        },
      });
      const theirs = found.flatMap((s) => s.exemplars.map((e) => `${e.labels.trace_id}/${e.labels.span_id}/${Number(e.value)}`));
      expect(theirs.sort()).to.deep.equal(ours.sort());
      for (const e of found.flatMap((s) => s.exemplars)) expect(exported.get(e.labels.span_id)).to.equal(e.labels.trace_id);
      const counters = await query('http_requests_total{job="app"}');
      expect(counters.flatMap((s) => s.exemplars.map((e) => exported.get(e.labels.span_id) === e.labels.trace_id))).to.deep.equal([true]);
    });
  });
});
