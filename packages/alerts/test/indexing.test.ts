import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { Subject } from 'rxjs';
import type { MetricSnapshot, MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts, ALERT_FIRED_EVENT, type AlertRule } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { latency, metric, snapshot, valueSeries } from './snapshots.js';

// An array that counts how often it is walked from the start: every walk (for…of, map, find …)
// reads index 0 once.
function countingArray<T>(items: T[]): { array: T[]; walks: () => number } {
  let walks = 0;
  const array = new Proxy(items, {
    get(target, key, receiver) {
      if (key === '0') walks++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { array, walks: () => walks };
}

describe('rule evaluation indexed by metric name', () => {
  it('walks a snapshot’s metrics once per snapshot however many rules there are, and every kind still fires', () => {
    const telemetry = new Telemetry();
  const seen = recordEvents(telemetry, [ALERT_FIRED_EVENT]);
    const source = new Subject<MetricsSnapshot>();
    const rules: AlertRule[] = [];
    for (let i = 0; i < 30; i++) rules.push({ name: `Slow${i}`, severity: 'warning', metric: `m${i}.duration`, stat: 'p99', op: '>', threshold: 100 });
    rules.push({ name: 'Errors', severity: 'critical', ratio: { numerator: 'errors', denominator: 'requests' }, op: '>', threshold: 0.5 });
    rules.push({ name: 'Anomaly', severity: 'info', anomaly: { metric: 'm0.duration', stat: 'p99', baselineWindowMs: 60_000, factor: 2, minSamples: 1 } });
    const alerts = new Alerts(telemetry, { source, rules });
    const metricsAt = (p99: number): MetricSnapshot[] => [
      ...Array.from({ length: 200 }, (_, i) => latency(`m${i}.duration`, [{}, i < 30 ? p99 : 1])),
      metric('requests', 'lastValue', [valueSeries(10)]),
      metric('errors', 'lastValue', [valueSeries(9)]),
    ];
    source.next(snapshot(1000, ...metricsAt(50)));
    const { array, walks } = countingArray(metricsAt(500));
    source.next({ ...snapshot(2000), metrics: array });
    alerts.stop();
    expect(walks()).to.equal(1);
    expect(seen.map((s) => s.metadata.name).sort()).to.deep.equal(['Anomaly', 'Errors', ...rules.slice(0, 30).map((r) => r.name)].sort());
  });
});
