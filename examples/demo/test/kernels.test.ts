// What the old demo checked at run time, as tests: the kernels compute what the CPU references
// compute, and a real Prometheus scraping our /metrics agrees with our buckets (its
// histogram_quantile over them is what we compute from the same buckets, and lands in the bucket
// that holds our HDR p99: the two p99s differ only by the interpolation inside that bucket).
import { expect } from 'chai';
import { Telemetry, withCorrelation } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { PrometheusReporter, defaultBuckets } from '@rx-telemetry/prometheus';
import { NoAdapterError, requestInstrumentedDevice, type InstrumentedDevice } from '@rx-telemetry/webgpu';
import { ComputeBackend } from '@rx-telemetry/webgpu-kernels';
import { startPrometheus, type PrometheusPeer } from '@rx-telemetry/devkit/prometheus';
import { metrics } from '../metrics.js';
import { random, runTask } from '../workload.js';

const CI = process.env.CI === 'true' || process.env.CI === '1';

function maxError(gpu: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(gpu[i] - ref[i]) / Math.max(1, Math.abs(ref[i])));
  return worst;
}
const ramp = (n: number, mod: number): Float64Array => Float64Array.from({ length: n }, (_, i) => (i % mod) - mod / 2);

/** histogram_quantile as Prometheus computes it, from cumulative bucket counts. */
function histogramQuantile(q: number, buckets: [number, number][]): number {
  buckets.sort((a, b) => a[0] - b[0]);
  const total = buckets[buckets.length - 1][1];
  const rank = q * total;
  let i = buckets.findIndex(([, c]) => c >= rank);
  if (buckets[i][0] === Infinity) return buckets[buckets.length - 2][0];
  const [upper, count] = buckets[i];
  const [lower, below] = i === 0 ? [0, 0] : buckets[i - 1];
  if (i === 0 && upper <= 0) return upper;
  return lower + ((upper - lower) * (rank - below)) / (count - below);
}

describe('the demo workload on the instrumented device', function () {
  this.timeout(120_000);
  let bus: Telemetry;
  let gpu: InstrumentedDevice;
  let aggregator: Aggregator;
  let prometheus: PrometheusPeer | undefined;
  let url: string;
  const results: { task: string; out: Record<string, unknown> }[] = [];

  before(async function () {
    bus = new Telemetry();
    aggregator = new Aggregator(bus, { metrics, defaultBuckets });
    const reporter = new PrometheusReporter(bus, { aggregator, prefix: 'rx' });
    url = (await reporter.listen({ port: 0 })).url;
    try {
      gpu = await requestInstrumentedDevice(bus, { deviceId: 'gpu0' });
    } catch (error) {
      if (error instanceof NoAdapterError && !CI) this.skip();
      throw error;
    }
    prometheus = await startPrometheus([{ job: 'rx-demo', target: new URL(url).host }], { intervalS: 1 });
    const backend = new ComputeBackend(gpu);
    const rnd = random(3);
    for (let i = 0; i < 12; i++) {
      const task = (['vector', 'matmul', 'hdc'] as const)[i % 3];
      await withCorrelation(`job-${i}`, () => bus.span(['demo', 'job'], { task, failure: 'none' }, async () => results.push({ task, out: await runTask(backend, task, rnd) })));
    }
  });
  after(async () => {
    await prometheus?.stop();
    await bus?.shutdown();
  });

  it('computes vector add and its sum as the CPU does', () => {
    for (const { out } of results.filter((r) => r.task === 'vector')) {
      const x = ramp(out.n as number, 13);
      expect(maxError(out.added as Float32Array, x.map((v) => 2 * v))).to.be.below(1e-6);
      expect(out.total as number).to.be.closeTo(x.reduce((s, v) => s + 2 * v, 0), 1e-3 * (out.n as number));
    }
  });

  it('computes both tiled matmuls as the CPU does', () => {
    for (const { out } of results.filter((r) => r.task === 'matmul')) {
      const size = out.size as number;
      const a = ramp(size * size, 7);
      const ref = new Float64Array(size * size);
      for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) for (let p = 0; p < size; p++) ref[i * size + j] += a[i * size + p] * a[p * size + j];
      expect([maxError(out.c as Float32Array, ref), maxError(out.d as Float32Array, ref)].every((e) => e < 1e-4)).to.equal(true);
    }
  });

  it('finds the stored hypervector most similar to itself (HDC cosine), with bind and bundle in ±1', () => {
    for (const { out } of results.filter((r) => r.task === 'hdc')) {
      const similarity = [...(out.similarity as Float32Array)];
      expect(similarity.indexOf(Math.max(...similarity))).to.equal(2);
      expect(similarity[2]).to.be.closeTo(1, 1e-5);
      expect([...(out.bound as Float32Array), ...(out.bundle as Float32Array)].every((v) => v === 1 || v === -1)).to.equal(true);
    }
  });

  it("agrees with a real Prometheus on our buckets: its histogram_quantile is ours over the same buckets, in the bucket of our HDR p99", async () => {
    const peer = prometheus as PrometheusPeer;
    const ours = aggregator.snapshot().metrics.find((m) => m.name === 'compute.kernel.dispatch.stop.duration')!;
    const count = ours.series.reduce((s, x) => s + (x.total?.count ?? 0), 0);
    await peer.waitFor('sum(rx_compute_kernel_dispatch_stop_duration_seconds_count{job="rx-demo"})', (r) => Number(r[0]?.value[1]) === count, 20_000);
    const theirs = await peer.query('histogram_quantile(0.99, sum by (le, kernel) (rx_compute_kernel_dispatch_stop_duration_seconds_bucket{job="rx-demo"}))');
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(theirs.length).to.equal(ours.series.length);
    for (const sample of theirs) {
      const kernel = sample.metric.kernel;
      const buckets: [number, number][] = [];
      for (const line of text.split('\n')) {
        const m = /^rx_compute_kernel_dispatch_stop_duration_seconds_bucket\{(.*)\} (\S+)$/.exec(line);
        if (m === null || !m[1].includes(`kernel="${kernel}"`)) continue;
        const le = /le="([^"]+)"/.exec(m[1])![1];
        buckets.push([le === '+Inf' ? Infinity : Number(le), Number(m[2])]);
      }
      const promP99 = Number(sample.value[1]);
      expect(promP99, kernel).to.be.closeTo(histogramQuantile(0.99, buckets), 1e-9);
      const hdrP99 = ours.series.find((s) => s.tags.kernel === kernel)!.total!.p99;
      const bounds = buckets.map(([le]) => le).sort((a, b) => a - b);
      const bucketOf = (v: number) => bounds.findIndex((le) => v <= le);
      // Within one bucket of each other: HDR values are within 1%, so a p99 right at a bound may sit in the next.
      expect(Math.abs(bucketOf(promP99) - bucketOf(hdrP99)), `${kernel}: prometheus ${promP99}, hdr ${hdrP99}`).to.be.at.most(1);
    }
  });
});
