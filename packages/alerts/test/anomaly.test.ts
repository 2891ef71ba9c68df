import { expect } from 'chai';
import { Subject } from 'rxjs';
import { Telemetry } from '@rx-telemetry/core';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts, type AnomalyRule } from '../src/index.js';
import { latency, snapshot } from './snapshots.js';

const RULE: AnomalyRule = { name: 'Degraded', severity: 'warning', anomaly: { metric: 'db', stat: 'p95', baselineWindowMs: 10_000, factor: 2 } };

function setup(rule: AnomalyRule = RULE) {
  const source = new Subject<MetricsSnapshot>();
  const alerts = new Alerts(new Telemetry(), { source, rules: [rule] });
  const feed = (...points: [number, number][]) => {
    for (const [t, p] of points) source.next(snapshot(t, latency('db', [{ table: 'users' }, p])));
  };
  return { alerts, feed };
}

describe('anomaly rules', () => {
  it('has no data until minSamples normal values exist', () => {
    const { alerts, feed } = setup();
    feed([0, 10], [1000, 10], [2000, 1000]);
    expect(alerts.active()).to.have.length(0);
  });

  it('fires when the stat exceeds baseline mean × factor, with that as threshold', () => {
    const { alerts, feed } = setup();
    feed([0, 10], [1000, 20], [2000, 30], [3000, 39]);
    expect(alerts.active()).to.have.length(0);
    feed([4000, 60]);
    // Baseline: mean of 10, 20, 30, 39 (39 < 2 × 20 did not breach).
    expect(alerts.active()[0]).to.include({ status: 'firing', value: 60, threshold: ((10 + 20 + 30 + 39) / 4) * 2 });
    expect(alerts.active()[0].labels).to.deep.equal({ table: 'users' });
  });

  it('with factor < 1 fires when the stat drops under baseline × factor', () => {
    const { alerts, feed } = setup({ ...RULE, anomaly: { ...RULE.anomaly, factor: 0.5 } });
    feed([0, 100], [1000, 100], [2000, 100], [3000, 60]);
    expect(alerts.active()).to.have.length(0);
    feed([4000, 40]);
    expect(alerts.active()[0]).to.include({ value: 40 });
  });

  it('keeps breaching values out of the baseline, so a sustained degradation keeps firing', () => {
    const { alerts, feed } = setup();
    feed([0, 10], [1000, 10], [2000, 10]);
    feed(...Array.from({ length: 6 }, (_, i): [number, number] => [3000 + i * 1000, 50]));
    expect(alerts.active()[0]).to.include({ status: 'firing', threshold: 20 });
  });

  it('forgets baseline values older than baselineWindowMs: a lasting shift becomes the new normal', () => {
    const { alerts, feed } = setup();
    feed([0, 10], [1000, 10], [2000, 10], [3000, 50]);
    expect(alerts.active()).to.have.length(1);
    // 10 s later the old baseline has aged out: no data, the alert resolves, 50 is learned.
    feed([12_500, 50]);
    expect(alerts.active()).to.have.length(0);
    feed([13_000, 50], [14_000, 50], [15_000, 60]);
    expect(alerts.active()).to.have.length(0);
    expect(alerts.history().map((a) => a.status)).to.deep.equal(['firing', 'resolved']);
  });

  it('honours forMs like the other kinds', () => {
    const { alerts, feed } = setup({ ...RULE, forMs: 2000 });
    feed([0, 10], [1000, 10], [2000, 10], [3000, 50], [4000, 50]);
    expect(alerts.active()[0].status).to.equal('pending');
    feed([5000, 50]);
    expect(alerts.active()[0].status).to.equal('firing');
  });
});
