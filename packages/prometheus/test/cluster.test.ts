import { counter, distribution, summary, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import { PrometheusReporter } from '../src/index.js';

const EVENT = ['job', 'run', 'stop'];

function aggregator(): { telemetry: Telemetry; agg: Aggregator } {
  const telemetry = new Telemetry();
  const agg = new Aggregator(telemetry, {
    metrics: [
      counter('job.run.stop.count', { tags: ['queue'] }),
      distribution('job.run.stop.duration', { tags: ['queue'], unit: { from: 'nanosecond', to: 'second' }, reporterOptions: { buckets: [0.001, 0.002, 0.0025, 0.004] } }),
      summary('job.run.stop.latency', { measurement: 'duration', unit: { from: 'nanosecond', to: 'millisecond' } }),
    ],
  });
  return { telemetry, agg };
}

function feed(telemetry: Telemetry, from: number, to: number): void {
  // 2.5 ms exactly on a bound, and values sharing the bound's HDR bucket on both sides of it.
  for (let i = from; i < to; i++) telemetry.emit(EVENT, { duration: [2_500_000, 2_500_001, 2_499_999, (i * 7919) % 5_000_000][i % 4] }, { queue: `q${i % 3}` });
}

function samples(text: string): [string, number][] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const at = l.lastIndexOf(' ');
      return [l.slice(0, at), Number(l.slice(at + 1))];
    });
}

describe('a cluster scraped as one', () => {
  it('renders Aggregator.restore of two encodings like one aggregator fed every event, buckets exact', () => {
    const single = aggregator();
    feed(single.telemetry, 0, 3000);
    const a = aggregator();
    feed(a.telemetry, 0, 1700);
    const b = aggregator();
    feed(b.telemetry, 1700, 3000);
    const cluster = Aggregator.restore(a.agg.encode(), b.agg.encode());
    const ours = samples(new PrometheusReporter(new Telemetry(), { aggregator: cluster }).render());
    const expected = samples(new PrometheusReporter(single.telemetry, { aggregator: single.agg }).render());
    expect(ours.map(([k]) => k)).to.deep.equal(expected.map(([k]) => k));
    ours.forEach(([k, v], i) => expect(v, k).to.be.closeTo(expected[i][1], 1e-12 * Math.max(1, Math.abs(v))));
    const le = expected.find(([k]) => k === 'job_run_stop_duration_seconds_bucket{queue="q0",le="0.0025"}');
    expect(le?.[1]).to.be.greaterThan(0);
    for (const x of [single, a, b]) x.agg.stop();
  });
});
