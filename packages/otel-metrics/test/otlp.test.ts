import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { counter, distribution, lastValue, sum, summary, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import { AggregatorMetricProducer } from '../src/index.js';
import { attrs, startOtlpReceiver, type ExportRequest, type OtlpMetric, type OtlpReceiver } from './otlp-receiver.js';

const EVENT = ['http', 'request', 'stop'];
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

function feed(telemetry: Telemetry, n: number): void {
  for (let i = 0; i < n; i++) {
    const route = i % 3 === 0 ? '/slow' : '/fast';
    const duration = route === '/slow' ? 40_000_000 + ((i * 7919) % 500) * 1_000_000 : 100_000 + ((i * 104729) % 997) * 9_000;
    telemetry.emit(EVENT, { duration, size: 100 + (i % 50), inflight: i % 7 }, { route, status: i % 10 === 0 ? 500 : 200 });
  }
}

describe('OTLP export through @opentelemetry/exporter-metrics-otlp-proto', function () {
  this.timeout(30_000);
  let telemetry: Telemetry;
  let agg: Aggregator;
  let receiver: OtlpReceiver;
  let request: ExportRequest;
  let metrics: Map<string, OtlpMetric>;
  const startedAt = Date.now();

  before(async () => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, {
      metrics: [
        counter('http.requests', { eventName: EVENT, tags: ['route', 'status'] }),
        sum('http.response.size', { eventName: EVENT, measurement: 'size', tags: ['route'], unit: 'byte' }),
        lastValue('http.inflight', { eventName: EVENT, measurement: 'inflight' }),
        distribution('http.request.duration', { eventName: EVENT, tags: ['route'], unit: { from: 'nanosecond', to: 'second' }, reporterOptions: { buckets: BUCKETS } }),
        distribution('http.request.duration.exp', { eventName: EVENT, measurement: 'duration', tags: ['route'], unit: { from: 'nanosecond', to: 'millisecond' } }),
        summary('http.request.latency', { eventName: EVENT, measurement: 'duration', unit: { from: 'nanosecond', to: 'millisecond' } }),
      ],
    });
    feed(telemetry, 3000);
    receiver = await startOtlpReceiver();
    const producer = new AggregatorMetricProducer(agg, { serviceName: 'shop', serviceInstanceId: 'shop-1', exponentialHistograms: ['http.request.duration.exp'] });
    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: receiver.url }), exportIntervalMillis: 60_000, metricProducers: [producer] });
    const provider = new MeterProvider({ resource: producer.resource, readers: [reader] });
    const received = receiver.next();
    await reader.forceFlush();
    request = await received;
    await provider.shutdown();
    const scope = request.resourceMetrics[0].scopeMetrics.find((s) => s.scope.name === '@rx-telemetry/otel-metrics');
    metrics = new Map((scope?.metrics ?? []).map((m) => [m.name, m]));
  });

  after(async () => {
    await receiver?.close();
    await telemetry?.shutdown();
  });

  it('carries service.name and service.instance.id on the resource', () => {
    expect(attrs(request.resourceMetrics[0].resource.attributes)).to.include({ 'service.name': 'shop', 'service.instance.id': 'shop-1' });
  });

  it('sends counters as monotonic cumulative sums equal to the snapshot, with a start time', () => {
    const m = metrics.get('http.requests');
    expect(m?.sum?.aggregationTemporality).to.equal(2); // CUMULATIVE
    expect(m?.sum?.isMonotonic).to.equal(true);
    expect(m?.unit).to.equal('{count}');
    const snap = agg.snapshot().metrics.find((x) => x.name === 'http.requests')!;
    const got = new Map(m!.sum!.dataPoints.map((p) => [JSON.stringify(attrs(p.attributes)), p.asInt]));
    expect(got.size).to.equal(snap.series.length);
    for (const s of snap.series) expect(got.get(JSON.stringify(s.tags)), JSON.stringify(s.tags)).to.equal(s.value);
    for (const p of m!.sum!.dataPoints) {
      expect(p.startTimeUnixNano / 1e6).to.be.within(startedAt - 1000, p.timeUnixNano / 1e6);
      expect(p.timeUnixNano / 1e6).to.be.within(startedAt, Date.now());
    }
  });

  it('sends sums as cumulative sums and last values as gauges, equal to the snapshot', () => {
    const snap = agg.snapshot().metrics;
    const size = metrics.get('http.response.size')!;
    expect([size.unit, size.sum?.aggregationTemporality]).to.deep.equal(['By', 2]);
    for (const s of snap.find((x) => x.name === 'http.response.size')!.series) {
      expect(size.sum!.dataPoints.find((p) => attrs(p.attributes).route === s.tags.route)?.asDouble).to.equal(s.value);
    }
    const inflight = metrics.get('http.inflight')!;
    expect(inflight.gauge?.dataPoints.map((p) => p.asDouble)).to.deep.equal([snap.find((x) => x.name === 'http.inflight')!.series[0].value]);
  });

  it('sends distributions with bounds as explicit-bucket histograms: bounds, counts, sum, min, max equal ours', () => {
    const m = metrics.get('http.request.duration')!;
    expect([m.unit, m.histogram?.aggregationTemporality]).to.deep.equal(['s', 2]);
    const snap = agg.snapshot().metrics.find((x) => x.name === 'http.request.duration')!;
    const counts = new Map<string, number[]>();
    agg.collect({
      metric: (x) => x.definition.name === 'http.request.duration',
      histogram: (_x, s, r) => void counts.set(s.tags.route, [...r.cumulativeCounts([])]),
    });
    for (const s of snap.series) {
      const p = m.histogram!.dataPoints.find((x) => attrs(x.attributes).route === s.tags.route)!;
      expect(p.explicitBounds).to.deep.equal(BUCKETS);
      expect([p.count, p.sum, p.min, p.max]).to.deep.equal([s.total!.count, s.total!.sum, s.total!.min, s.total!.max]);
      const cum = p.bucketCounts.map(((acc) => (c: number) => (acc += c))(0));
      expect(cum.slice(0, -1)).to.deep.equal(counts.get(s.tags.route));
      expect(cum[cum.length - 1]).to.equal(s.total!.count);
    }
  });

  it('sends an exponential histogram on request whose bucket counts sum to the series count and hold its p99', () => {
    const m = metrics.get('http.request.duration.exp')!;
    expect(m.exponentialHistogram?.aggregationTemporality).to.equal(2);
    const snap = agg.snapshot().metrics.find((x) => x.name === 'http.request.duration.exp')!;
    for (const s of snap.series) {
      const p = m.exponentialHistogram!.dataPoints.find((x) => attrs(x.attributes).route === s.tags.route)!;
      const buckets = p.positive?.bucketCounts ?? [];
      expect(buckets.reduce((a, b) => a + b, 0) + (p.zeroCount ?? 0)).to.equal(s.total!.count);
      expect([p.count, p.sum, p.min, p.max]).to.deep.equal([s.total!.count, s.total!.sum, s.total!.min, s.total!.max]);
      expect(buckets.length).to.be.at.most(160);
      // The bucket where the cumulative count reaches the 99th percentile's rank holds our p99.
      const scale = p.scale ?? 0;
      const base = 2 ** (2 ** -scale);
      const rank = Math.ceil(0.99 * s.total!.count);
      let cum = p.zeroCount ?? 0;
      let i = 0;
      while (cum + buckets[i] < rank) cum += buckets[i++];
      const index = (p.positive?.offset ?? 0) + i;
      expect(s.total!.p99).to.be.greaterThan(base ** index * (1 - 1e-12));
      expect(s.total!.p99).to.be.at.most(base ** (index + 1) * (1 + 1e-12));
    }
  });

  it('sends summaries as exponential histograms (OTLP has no summary in the SDK data model)', () => {
    const m = metrics.get('http.request.latency')!;
    const p = m.exponentialHistogram!.dataPoints[0];
    expect(p.count).to.equal(3000);
    expect((p.positive?.bucketCounts ?? []).reduce((a, b) => a + b, 0) + (p.zeroCount ?? 0)).to.equal(3000);
    expect(m.unit).to.equal('ms');
  });
});
