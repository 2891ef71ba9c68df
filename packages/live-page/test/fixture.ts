import { counter, distribution, lastValue, Telemetry, withCorrelation } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { Alerts } from '@rx-telemetry/alerts';
import { defaultBuckets } from '@rx-telemetry/prometheus';
import { livePage, type LivePage } from '../src/index.js';

/** A bus with an aggregator, alerts and a page on an injected clock (each tick is one second later). */
export interface Fixture {
  readonly bus: Telemetry;
  readonly aggregator: Aggregator;
  readonly alerts: Alerts;
  readonly page: LivePage;
  /** Emits `jobs` jobs of `ms` each (a tenth of them failing), then takes one point. */
  second(jobs: number, ms: number, kinds?: readonly string[]): Promise<void>;
}

export async function fixture(options: { alertThresholdMs?: number } = {}): Promise<Fixture> {
  const bus = new Telemetry();
  const aggregator = new Aggregator(bus, {
    metrics: [
      distribution('job.run.stop.duration', { tags: ['kind'], unit: { from: 'nanosecond', to: 'millisecond' }, description: 'Job latency' }),
      counter('job.run.stop.count', { tags: ['kind'], description: 'Jobs finished' }),
      counter('job.run.exception.count', { description: 'Jobs failed' }),
      lastValue('queue.depth.length', { description: 'Queue depth' }),
      distribution('job.gpu.stop.duration', { unit: { from: 'nanosecond', to: 'millisecond' }, reporterOptions: { livePage: { chart: 'GPU vs CPU', label: 'GPU' } } }),
      distribution('job.cpu.stop.duration', { unit: { from: 'nanosecond', to: 'millisecond' }, reporterOptions: { livePage: { chart: 'GPU vs CPU', label: 'CPU' } } }),
    ],
    window: { durationMs: 10_000, slices: 10 },
    defaultBuckets,
  });
  const alerts = new Alerts(bus, {
    aggregator,
    intervalMs: 20,
    rules: [{ name: 'SlowJobs', severity: 'warning', metric: 'job.run.stop.duration', stat: 'p99', op: '>', threshold: options.alertThresholdMs ?? 50, annotations: { summary: 'p99 job latency above 50 ms' } }],
  });
  let t = Date.UTC(2026, 0, 1, 12, 0, 0);
  const page = livePage(bus, { aggregator, title: 'test service', intervalMs: 3_600_000, now: () => (t += 1000), links: { metrics: '/metrics' }, facts: { log: '/tmp/x.jsonl' } });
  let job = 0;
  const second = async (jobs: number, ms: number, kinds: readonly string[] = ['resize', 'crop']): Promise<void> => {
    for (let i = 0; i < jobs; i++) {
      const kind = kinds[i % kinds.length];
      const id = `job-${++job}`;
      const fail = i % 10 === 9;
      const duration = ms * 1e6 * (1 + (i % 5) / 10);
      await withCorrelation(id, () =>
        bus.span(['job', 'attempt'], { kind }, async () => {
          bus.emit(['job', 'run', 'stop'], { duration }, { kind });
          bus.emit(['job', 'gpu', 'stop'], { duration: duration / 4 });
          bus.emit(['job', 'cpu', 'stop'], { duration: duration / 2 });
          bus.emit(['queue', 'depth'], { length: 10 + (job % 7) });
          if (fail) {
            bus.emit(['job', 'run', 'exception'], { duration });
            throw new Error(`job ${id} failed on purpose`);
          }
        }),
      ).catch(() => undefined);
    }
    page.tick();
  };
  return { bus, aggregator, alerts, page, second };
}
