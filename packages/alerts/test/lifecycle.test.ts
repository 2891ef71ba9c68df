import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { Subject } from 'rxjs';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts, ALERT_FIRED_EVENT, ALERT_RESOLVED_EVENT, type Alert, type AlertRule } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { latency, snapshot } from './snapshots.js';

const P99_RULE: AlertRule = { name: 'SlowApi', severity: 'critical', metric: 'http.duration', stat: 'p99', op: '>', threshold: 250, forMs: 3000 };

function setup(rules: AlertRule[] = [P99_RULE]) {
  const telemetry = new Telemetry();
  const seen = recordEvents(telemetry, [ALERT_FIRED_EVENT, ALERT_RESOLVED_EVENT]);
  const source = new Subject<MetricsSnapshot>();
  const notified: Alert[] = [];
  const alerts = new Alerts(telemetry, { source, rules, handlers: [(a) => void notified.push(a)] });
  const at = (t: number, ...series: [Record<string, string>, number][]) => source.next(snapshot(t, latency('http.duration', ...series)));
  return { telemetry, seen, source, alerts, notified, at };
}

describe('alert lifecycle', () => {
  it('a first breach makes the alert pending, not firing, while forMs has not elapsed', () => {
    const { alerts, seen, at } = setup();
    at(1000, [{ route: '/a' }, 300]);
    at(2000, [{ route: '/a' }, 300]);
    const active = alerts.active();
    expect(active).to.have.length(1);
    expect(active[0]).to.include({ name: 'SlowApi', status: 'pending', startsAt: 1000, value: 300, threshold: 250 });
    expect(seen).to.have.length(0);
  });

  it('fires once the breach has lasted forMs, with startsAt at the first breach', async () => {
    const { alerts, seen, notified, at } = setup();
    for (const t of [1000, 2000, 3000, 4000]) at(t, [{ route: '/a' }, 260 + t / 1000]);
    expect(alerts.active()[0]).to.include({ status: 'firing', startsAt: 1000, firedAt: 4000, value: 264 });
    expect(seen.map((s) => s.event)).to.deep.equal(['telemetry.alert.fired']);
    await alerts.flush();
    expect(notified.map((a) => a.status)).to.deep.equal(['firing']);
  });

  it('a pending alert that stops breaching before forMs disappears without any event', async () => {
    const { alerts, seen, notified, at } = setup();
    at(1000, [{ route: '/a' }, 300]);
    at(2000, [{ route: '/a' }, 100]);
    at(5000, [{ route: '/a' }, 300]);
    expect(alerts.active()[0]).to.include({ status: 'pending', startsAt: 5000 });
    await alerts.flush();
    expect(seen).to.have.length(0);
    expect(notified).to.have.length(0);
  });

  it('resolves a firing alert when the stat goes back under the threshold, with endsAt and the new value', async () => {
    const { alerts, seen, notified, at } = setup();
    for (const t of [0, 1000, 2000, 3000]) at(t, [{ route: '/a' }, 400]);
    at(4000, [{ route: '/a' }, 120]);
    expect(alerts.active()).to.have.length(0);
    expect(alerts.history().map((a) => [a.status, a.endsAt])).to.deep.equal([['firing', undefined], ['resolved', 4000]]);
    const resolved = seen[1];
    expect(resolved.event).to.equal('telemetry.alert.resolved');
    expect(resolved.measurements).to.include({ value: 120, threshold: 250, startsAt: 0, endsAt: 4000, duration: 1000 * 1e6 });
    await alerts.flush();
    expect(notified.map((a) => a.status)).to.deep.equal(['firing', 'resolved']);
  });

  it('resolves a firing alert whose series vanished from the snapshots', () => {
    const { alerts, at } = setup([{ ...P99_RULE, forMs: 0 }]);
    at(0, [{ route: '/a' }, 400]);
    at(1000, [{ route: '/b' }, 10]);
    expect(alerts.active()).to.have.length(0);
    expect(alerts.history().at(-1)).to.include({ status: 'resolved', endsAt: 1000 });
  });

  it('keeps one alert per label set: each route fires and resolves on its own', () => {
    const { alerts, at } = setup([{ ...P99_RULE, forMs: 0 }]);
    at(0, [{ route: '/a' }, 400], [{ route: '/b' }, 100]);
    at(1000, [{ route: '/a' }, 400], [{ route: '/b' }, 500]);
    expect(alerts.active().map((a) => a.labels.route).sort()).to.deep.equal(['/a', '/b']);
    at(2000, [{ route: '/a' }, 100], [{ route: '/b' }, 500]);
    expect(alerts.active().map((a) => a.labels.route)).to.deep.equal(['/b']);
    expect(alerts.history().map((a) => `${a.labels.route}:${a.status}`)).to.deep.equal(['/a:firing', '/b:firing', '/a:resolved']);
  });

  it('only considers series carrying every tag of the rule filter', () => {
    const { alerts, at } = setup([{ ...P99_RULE, forMs: 0, tags: { route: '/pay', method: 'POST' } }]);
    at(0, [{ route: '/pay', method: 'GET' }, 900], [{ route: '/other', method: 'POST' }, 900], [{ route: '/pay', method: 'POST', region: 'eu' }, 900]);
    expect(alerts.active().map((a) => a.labels)).to.deep.equal([{ route: '/pay', method: 'POST', region: 'eu' }]);
  });

  it('emits fired with numbers as measurements and the rest as metadata', () => {
    const { seen, at } = setup([{ ...P99_RULE, forMs: 0, labels: { team: 'web' }, annotations: { summary: 'slow' } }]);
    at(5000, [{ route: '/a' }, 321]);
    expect(seen).to.have.length(1);
    expect(seen[0].measurements).to.deep.equal({ value: 321, threshold: 250, startsAt: 5000 });
    expect(seen[0].metadata).to.deep.equal({
      name: 'SlowApi',
      severity: 'critical',
      status: 'firing',
      labels: { team: 'web', route: '/a' },
      annotations: { summary: 'slow' },
      suppressed: false,
    });
  });

  it('compares with each operator as written', () => {
    const fired = (op: '>' | '>=' | '<' | '<=', value: number): boolean => {
      const { alerts, at } = setup([{ ...P99_RULE, forMs: 0, op, threshold: 100 }]);
      at(0, [{}, value]);
      return alerts.active().length === 1;
    };
    expect([fired('>', 100), fired('>', 101), fired('>=', 100), fired('>=', 99)]).to.deep.equal([false, true, true, false]);
    expect([fired('<', 100), fired('<', 99), fired('<=', 100), fired('<=', 101)]).to.deep.equal([false, true, true, false]);
  });

  it('keeps history bounded to historySize, dropping the oldest', () => {
    const telemetry = new Telemetry();
    const source = new Subject<MetricsSnapshot>();
    const alerts = new Alerts(telemetry, { source, rules: [{ ...P99_RULE, forMs: 0 }], historySize: 3 });
    for (let i = 0; i < 6; i++) source.next(snapshot(i * 1000, latency('http.duration', [{}, i % 2 === 0 ? 400 : 100])));
    expect(alerts.history().map((a) => `${a.status}@${a.endsAt ?? a.firedAt}`)).to.deep.equal(['resolved@3000', 'firing@4000', 'resolved@5000']);
  });

  it('stops evaluating after stop()', () => {
    const { alerts, source } = setup([{ ...P99_RULE, forMs: 0 }]);
    alerts.stop();
    source.next(snapshot(0, latency('http.duration', [{}, 999])));
    expect(alerts.active()).to.have.length(0);
    expect(source.observed).to.equal(false);
  });

  it('a stat missing from a series (empty window, wrong type) is no data, not a breach', () => {
    const { alerts, source } = setup([{ ...P99_RULE, forMs: 0, op: '<', threshold: 5 }]);
    source.next(snapshot(0, { ...latency('http.duration', [{}, 1]), series: [{ tags: {}, window: { count: 0, sum: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0 } }] }));
    expect(alerts.active()).to.have.length(0);
  });
});
