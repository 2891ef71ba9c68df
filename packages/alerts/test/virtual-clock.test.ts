import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { interval, map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ALERT_FIRED_EVENT, ALERT_RESOLVED_EVENT, Alerts } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { latency, snapshot } from './snapshots.js';

describe('on a virtual clock (TestScheduler)', () => {
  it('a 1 s snapshot stream with a 5 s spike fires after forMs and resolves, at virtual times', () => {
    const scheduler = new TestScheduler((a, b) => {
      expect(a).to.deep.equal(b);
    });
    const telemetry = new Telemetry();
  const seen = recordEvents(telemetry, [ALERT_FIRED_EVENT, ALERT_RESOLVED_EVENT]);
    scheduler.run(({ flush }) => {
      // p99 is 500 from t=3 s to t=7 s, 50 otherwise; snapshots every second for 12 s.
      const source = interval(1000, scheduler).pipe(
        take(12),
        map(() => {
          const t = scheduler.now();
          return snapshot(t, latency('api', [{}, t >= 3000 && t <= 7000 ? 500 : 50]));
        }),
      );
      const alerts = new Alerts(telemetry, { source, rules: [{ name: 'Spike', severity: 'critical', metric: 'api', stat: 'p99', op: '>', threshold: 100, forMs: 2000 }] });
      flush();
      expect(alerts.active()).to.have.length(0);
    });
    expect(seen.map((s) => [s.event, s.measurements.startsAt, s.measurements.endsAt])).to.deep.equal([
      ['telemetry.alert.fired', 3000, undefined],
      ['telemetry.alert.resolved', 3000, 8000],
    ]);
    expect(seen[1].measurements.duration).to.equal((8000 - 5000) * 1e6);
  });
});
