import { expect } from 'chai';
import { Subject } from 'rxjs';
import { summary, Telemetry } from '@rx-telemetry/core';
import { Aggregator, type MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts } from '@rx-telemetry/alerts';
import { PrometheusReporter } from '@rx-telemetry/prometheus';
import { health, monitorHealth, type HealthReport } from '../src/index.js';

/** The monitor's process checks out of the way: this test is about what the parts contribute. */
const LENIENT = { eventLoopDelayMs: { degraded: 1e9, critical: 1e9 }, heapUsedRatio: { degraded: 2, critical: 2 } };

describe('health() of a composed bus, served by the Prometheus reporter on /health', () => {
  it('answers 200 while healthy and 503 with the report while a critical alert fires; one shutdown removes every check', async () => {
    const telemetry = new Telemetry();
    monitorHealth(telemetry, { thresholds: LENIENT });
    const aggregator = new Aggregator(telemetry, { metrics: [summary('job.stop.duration', { unit: { from: 'nanosecond', to: 'millisecond' } })] });
    const reporter = new PrometheusReporter(telemetry, { aggregator });
    // The rules are checked against the aggregator; the test decides when a snapshot is evaluated.
    const snapshots = new Subject<MetricsSnapshot>();
    new Alerts(telemetry, { aggregator, source: snapshots, rules: [{ name: 'JobsSlow', severity: 'critical', metric: 'job.stop.duration', stat: 'max', op: '>', threshold: 1000 }] });
    const server = await reporter.listen({ port: 0, health: () => health(telemetry) });
    const get = async () => {
      const res = await fetch(`${server.url}/health`);
      return { status: res.status, body: (await res.json()) as HealthReport };
    };
    try {
      telemetry.emit(['job', 'stop'], { duration: 5e6 });
      snapshots.next(aggregator.snapshot());
      let answer = await get();
      expect(answer.status).to.equal(200);
      expect(answer.body.status).to.equal('healthy');
      expect(Object.keys(answer.body.checks)).to.have.members(['eventLoop', 'heap', 'handlerFailures', 'alerts', 'alerts.delivery', reporter.id]);

      telemetry.emit(['job', 'stop'], { duration: 3000e6 });
      snapshots.next(aggregator.snapshot());
      answer = await get();
      expect(answer.status).to.equal(503);
      expect(answer.body.status).to.equal('critical');
      expect(answer.body.checks.alerts.detail).to.match(/1 critical alert\(s\) firing: JobsSlow/);
    } finally {
      await telemetry.shutdown();
    }
    expect(telemetry.healthChecks().size, 'every part removed its checks').to.equal(0);
  });
});
