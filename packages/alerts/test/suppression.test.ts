import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { Subject } from 'rxjs';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts, ALERT_FIRED_EVENT, ALERT_RESOLVED_EVENT, type Alert, type AlertsOptions } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { latency, snapshot } from './snapshots.js';

function setup(options: Partial<AlertsOptions>) {
  const telemetry = new Telemetry();
  const seen = recordEvents(telemetry, [ALERT_FIRED_EVENT, ALERT_RESOLVED_EVENT]);
  const source = new Subject<MetricsSnapshot>();
  const notified: Alert[] = [];
  const alerts = new Alerts(telemetry, {
    source,
    rules: [{ name: 'Slow', severity: 'warning', metric: 'lat', stat: 'p99', op: '>', threshold: 100 }],
    handlers: [(a) => void notified.push(a)],
    ...options,
  });
  /** One snapshot per entry: [time, p99]. */
  const feed = (...points: [number, number][]) => {
    for (const [t, p] of points) source.next(snapshot(t, latency('lat', [{}, p])));
  };
  return { alerts, seen, notified, feed };
}

describe('suppression', () => {
  it('occurrenceThreshold: fires only after that many consecutive breaching evaluations', () => {
    const { alerts, feed } = setup({ suppression: { occurrenceThreshold: 3 } });
    feed([0, 200], [1000, 200]);
    expect(alerts.active()[0].status).to.equal('pending');
    feed([2000, 200]);
    expect(alerts.active()[0]).to.include({ status: 'firing', firedAt: 2000 });
  });

  it('occurrenceThreshold: a non-breaching evaluation restarts the count', () => {
    const { alerts, feed } = setup({ suppression: { occurrenceThreshold: 3 } });
    feed([0, 200], [1000, 200], [2000, 50], [3000, 200], [4000, 200]);
    expect(alerts.active()[0]).to.include({ status: 'pending', startsAt: 3000 });
    feed([5000, 200]);
    expect(alerts.active()[0].status).to.equal('firing');
  });

  it('occurrenceThreshold and forMs both have to be met', () => {
    const { alerts, feed } = setup({ suppression: { occurrenceThreshold: 2 }, rules: [{ name: 'Slow', severity: 'warning', metric: 'lat', stat: 'p99', op: '>', threshold: 100, forMs: 5000 }] });
    feed([0, 200], [1000, 200], [4000, 200]);
    expect(alerts.active()[0].status).to.equal('pending');
    feed([5000, 200]);
    expect(alerts.active()[0].status).to.equal('firing');
  });

  it('minIntervalMs: a flapping alert notifies once per interval while every transition still reaches the bus', async () => {
    const { notified, seen, feed, alerts } = setup({ suppression: { minIntervalMs: 10_000 } });
    // fire, resolve, fire, resolve, fire … every second.
    feed(...Array.from({ length: 8 }, (_, i): [number, number] => [i * 1000, i % 2 === 0 ? 200 : 50]));
    await alerts.flush();
    expect(seen.map((s) => `${s.event.split('.')[2]}:${String(s.metadata.suppressed)}`)).to.deep.equal([
      'fired:false', 'resolved:false', 'fired:true', 'resolved:true', 'fired:true', 'resolved:true', 'fired:true', 'resolved:true',
    ]);
    // The first fire and its resolution go out (a receiver must not keep a stale firing alert).
    expect(notified.map((a) => `${a.status}@${a.endsAt ?? a.firedAt}`)).to.deep.equal(['firing@0', 'resolved@1000']);
  });

  it('minIntervalMs: a fire suppressed by the interval is sent once the interval is over if still firing', async () => {
    const { notified, feed, alerts } = setup({ suppression: { minIntervalMs: 10_000 } });
    feed([0, 200], [1000, 50], [2000, 200], [5000, 200], [11_000, 200], [12_000, 200]);
    await alerts.flush();
    expect(notified.map((a) => `${a.status}:${a.firedAt}`)).to.deep.equal(['firing:0', 'resolved:0', 'firing:2000']);
    expect(notified[2].startsAt).to.equal(2000);
  });

  it('minIntervalMs: fires again normally after the interval has passed', async () => {
    const { notified, feed, alerts } = setup({ suppression: { minIntervalMs: 10_000 } });
    feed([0, 200], [1000, 50], [20_000, 200]);
    await alerts.flush();
    expect(notified.map((a) => a.status)).to.deep.equal(['firing', 'resolved', 'firing']);
  });

  it('repeatIntervalMs re-notifies a still firing alert, not more often than minIntervalMs', async () => {
    const { notified, feed, alerts } = setup({ repeatIntervalMs: 2000, suppression: { minIntervalMs: 3000 } });
    feed(...Array.from({ length: 8 }, (_, i): [number, number] => [i * 1000, 200]));
    await alerts.flush();
    const times = notified.map((a) => a.status);
    expect(times).to.deep.equal(['firing', 'firing', 'firing']);
    expect(alerts.history()).to.have.length(1);
  });
});
