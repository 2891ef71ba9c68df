import { expect } from 'chai';
import FakeTimers from '@sinonjs/fake-timers';
import { Subject } from 'rxjs';
import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator, type MetricsSnapshot } from '@rx-telemetry/hdr';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { Alerts, ALERT_FIRED_EVENT, ALERT_UNKNOWN_METRIC_EVENT, type AlertRule } from '../src/index.js';
import { latency, snapshot } from './snapshots.js';

const METRICS = [distribution('http.request.stop.duration', { unit: { from: 'nanosecond', to: 'millisecond' } }), counter('http.request.stop.count')];

function typeError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error('expected a TypeError');
}

describe('wiring mistakes fail loudly', () => {
  let aggregator: Aggregator | undefined;
  afterEach(async () => {
    await aggregator?.stop();
    aggregator = undefined;
  });

  it('a rule naming a metric that no definition of the aggregator provides is a TypeError at construction, for every rule kind', () => {
    const telemetry = new Telemetry();
    aggregator = new Aggregator(telemetry, { metrics: METRICS });
    const agg = aggregator;
    const make = (rule: AlertRule) => () => new Alerts(telemetry, { aggregator: agg, rules: [rule] });
    expect(typeError(make({ name: 'Slow', severity: 'warning', metric: 'http.request.duration', stat: 'p99', op: '>', threshold: 1 }))).to.equal(
      'invalid rule "Slow": no metric definition of the aggregator provides "http.request.duration" (defined: http.request.stop.count, http.request.stop.duration)',
    );
    expect(typeError(make({ name: 'Errors', severity: 'critical', ratio: { numerator: 'http.errors', denominator: 'http.request.stop.count' }, op: '>', threshold: 0.1 }))).to.match(
      /^invalid rule "Errors": no metric definition of the aggregator provides "http.errors"/,
    );
    expect(typeError(make({ name: 'Odd', severity: 'info', anomaly: { metric: 'db.duration', stat: 'p95', baselineWindowMs: 1000, factor: 2 } }))).to.match(/"db.duration"/);
    expect(telemetry.healthChecks().size, 'nothing was registered by the failed constructions').to.equal(0);
  });

  it('an aggregator that listens on another bus is a TypeError', () => {
    aggregator = new Aggregator(new Telemetry(), { metrics: METRICS });
    const rules: AlertRule[] = [{ name: 'Slow', severity: 'warning', metric: 'http.request.stop.duration', stat: 'p99', op: '>', threshold: 1 }];
    expect(typeError(() => new Alerts(new Telemetry(), { aggregator, rules }))).to.equal('Alerts: the aggregator listens on another bus than the one given to Alerts');
  });

  it('needs an aggregator or a source, and intervalMs only applies to the aggregator', () => {
    expect(typeError(() => new Alerts(new Telemetry(), { rules: [] }))).to.match(/needs an aggregator \(or a source of snapshots\)/);
    expect(typeError(() => new Alerts(new Telemetry(), { source: new Subject<MetricsSnapshot>(), intervalMs: 10, rules: [] }))).to.match(/intervalMs applies to the aggregator/);
  });

  it('with only a source, a rule metric missing from the snapshots is reported once as unknown_metric', () => {
    const telemetry = new Telemetry();
    const seen = recordEvents(telemetry, [ALERT_UNKNOWN_METRIC_EVENT]);
    const source = new Subject<MetricsSnapshot>();
    new Alerts(telemetry, {
      source,
      rules: [
        { name: 'Known', severity: 'warning', metric: 'lat', stat: 'p99', op: '>', threshold: 1 },
        { name: 'Typo', severity: 'warning', metric: 'latt', stat: 'p99', op: '>', threshold: 1 },
      ],
    });
    source.next(snapshot(0, latency('lat', [{}, 5])));
    source.next(snapshot(1000, latency('lat', [{}, 5])));
    expect(seen.map((e) => e.metadata)).to.deep.equal([{ rule: 'Typo', metric: 'latt' }]);
  });
});

describe('with an aggregator', () => {
  it('evaluates aggregator.snapshots(intervalMs) on its own and stops with the bus', async () => {
    const clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const telemetry = new Telemetry();
      const fired = recordEvents(telemetry, [ALERT_FIRED_EVENT]);
      const aggregator = new Aggregator(telemetry, { metrics: METRICS });
      const alerts = new Alerts(telemetry, {
        aggregator,
        intervalMs: 500,
        rules: [{ name: 'Slow', severity: 'critical', metric: 'http.request.stop.duration', stat: 'max', op: '>', threshold: 100 }],
      });
      telemetry.emit(['http', 'request', 'stop'], { duration: 300e6 });
      expect(fired).to.have.length(0);
      clock.tick(500);
      expect(fired.map((e) => e.metadata.name)).to.deep.equal(['Slow']);
      expect(alerts.active()[0]).to.include({ status: 'firing', value: 300 });
      const report = await telemetry.shutdown();
      // Created after the aggregator, so stopped before it.
      expect(report.stopped).to.deep.equal(['alerts', 'hdr-aggregator']);
    } finally {
      clock.uninstall();
    }
  });
});
