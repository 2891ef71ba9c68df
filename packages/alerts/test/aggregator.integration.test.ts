import { expect } from 'chai';
import { Subject } from 'rxjs';
import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator, type MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts, ALERT_FIRED_EVENT } from '../src/index.js';

describe('with a real Aggregator', () => {
  it('fires on the p99 and the error ratio the Aggregator computed from real events', () => {
    const telemetry = new Telemetry();
    const aggregator = new Aggregator(telemetry, {
      metrics: [
        distribution('http.request.stop.duration', { tags: ['route'], unit: { from: 'nanosecond', to: 'millisecond' } }),
        counter('http.request.stop.count', { tags: ['route'] }),
        counter('http.request.error.count', { eventName: ['http', 'request', 'stop'], tags: ['route'], keep: (md) => md.status === 500 }),
      ],
      window: { durationMs: 60_000, slices: 6 },
    });
    const fired: string[] = [];
    telemetry.attach('fired', ALERT_FIRED_EVENT, (_e, m, md) => fired.push(`${String(md.name)}:${JSON.stringify(md.labels)}:${m.value.toFixed(3)}`));
    const source = new Subject<MetricsSnapshot>();
    const alerts = new Alerts(telemetry, {
      source,
      rules: [
        { name: 'Slow', severity: 'warning', metric: 'http.request.stop.duration', stat: 'p99', op: '>', threshold: 200 },
        { name: 'Errors', severity: 'critical', ratio: { numerator: 'http.request.error.count', denominator: 'http.request.stop.count', by: ['route'] }, op: '>', threshold: 0.2 },
      ],
    });
    const request = (route: string, ms: number, status: number) => telemetry.emit(['http', 'request', 'stop'], { duration: ms * 1e6 }, { route, status });

    for (let i = 0; i < 50; i++) request('/fast', 10, 200);
    source.next(aggregator.snapshot());
    expect(fired).to.deep.equal([]);

    // /slow: every request takes ~400 ms; /fast: 1 in 3 fails from now on.
    for (let i = 0; i < 30; i++) {
      request('/slow', 400, 200);
      request('/fast', 10, i % 3 === 0 ? 500 : 200);
    }
    source.next(aggregator.snapshot());
    const p99 = alerts.active().find((a) => a.name === 'Slow');
    expect(p99?.labels).to.deep.equal({ route: '/slow' });
    expect(p99?.value).to.be.closeTo(400, 400 * 0.02);
    const errors = alerts.active().find((a) => a.name === 'Errors');
    // /fast's new errors over its new requests (the counter increase, not the totals since start).
    expect(errors?.labels).to.deep.equal({ route: '/fast' });
    expect(errors?.value).to.be.closeTo(10 / 30, 1e-9);
    expect(fired.map((f) => f.split(':')[0]).sort()).to.deep.equal(['Errors', 'Slow']);
    alerts.stop();
    aggregator.stop();
  });
});
