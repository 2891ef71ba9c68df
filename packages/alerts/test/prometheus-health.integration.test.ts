import { expect } from 'chai';
import { Subject } from 'rxjs';
import { distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator, type MetricsSnapshot } from '@rx-telemetry/hdr';
import { PrometheusReporter } from '@rx-telemetry/prometheus';
import { Alerts, health, type HealthReport } from '../src/index.js';

describe('health() served by the Prometheus reporter', () => {
  it('GET /health answers 200 while healthy and 503 with the report while a critical alert fires', async () => {
    const telemetry = new Telemetry();
    const aggregator = new Aggregator(telemetry, { metrics: [distribution('job.stop.duration', { unit: { from: 'nanosecond', to: 'millisecond' } })] });
    const source = new Subject<MetricsSnapshot>();
    const alerts = new Alerts(telemetry, { source, rules: [{ name: 'JobsSlow', severity: 'critical', metric: 'job.stop.duration', stat: 'max', op: '>', threshold: 1000 }] });
    const reporter = new PrometheusReporter({ aggregator });
    const thresholds = { eventLoopDelayMs: { degraded: 1e9, critical: 1e9 }, heapUsedRatio: { degraded: 2, critical: 2 } };
    const server = await reporter.listen({ port: 0, health: () => health(telemetry, { thresholds }) });
    try {
      const get = async () => {
        const res = await fetch(`${server.url}/health`);
        return { status: res.status, body: (await res.json()) as HealthReport };
      };
      telemetry.emit(['job', 'stop'], { duration: 5e6 });
      source.next(aggregator.snapshot());
      let answer = await get();
      expect(answer.status).to.equal(200);
      expect(answer.body.status).to.equal('healthy');
      expect(answer.body.checks.alerts.status).to.equal('healthy');

      telemetry.emit(['job', 'stop'], { duration: 3000e6 });
      source.next(aggregator.snapshot());
      answer = await get();
      expect(answer.status).to.equal(503);
      expect(answer.body.status).to.equal('critical');
      expect(answer.body.checks.alerts.detail).to.match(/JobsSlow/);
    } finally {
      await server.close();
      alerts.stop();
      aggregator.stop();
    }
  });
});
