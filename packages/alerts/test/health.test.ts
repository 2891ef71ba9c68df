import { expect } from 'chai';
import { Subject } from 'rxjs';
import { Telemetry } from '@rx-telemetry/core';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts, health, monitorHealth, type HealthOptions } from '../src/index.js';
import { latency, snapshot } from './snapshots.js';

/** Only the named built-in checks matter in a test; the rest get limits they cannot reach. */
const LENIENT: HealthOptions['thresholds'] = {
  eventLoopDelayMs: { degraded: 1e9, critical: 1e9 },
  heapUsedRatio: { degraded: 2, critical: 2 },
};

describe('health()', () => {
  it('is healthy with every built-in check present on a quiet bus', async () => {
    const report = await health(new Telemetry(), { thresholds: LENIENT });
    expect(report.status).to.equal('healthy');
    expect(Object.keys(report.checks)).to.have.members(['eventLoop', 'heap', 'handlerFailures', 'reporterDrops', 'alertDelivery', 'alerts']);
    expect(Date.parse(report.timestamp)).to.be.closeTo(Date.now(), 5000);
  });

  it('reports heap used against v8 heap limit', async () => {
    const report = await health(new Telemetry(), { thresholds: { ...LENIENT, heapUsedRatio: { degraded: 1e-9, critical: 2 } } });
    const heap = report.checks.heap;
    expect(heap.status).to.equal('degraded');
    expect(heap.value).to.be.greaterThan(0).and.lessThan(1);
    expect(heap.detail).to.match(/heap used [\d.]+ MiB of [\d.]+ MiB limit/);
  });

  it('sees a blocked event loop in the eventLoop check (p99 over the monitor window)', async () => {
    const telemetry = new Telemetry();
    const thresholds = { ...LENIENT, eventLoopDelayMs: { degraded: 150, critical: 10_000 } };
    // A short window. The sampler is process-wide, so its history holds whatever blocked this
    // process before (module loading, other tests): rotate twice, 120 ms apart, so both the
    // previous and the current window are quiet stretches of this test.
    monitorHealth(telemetry, { windowMs: 100 });
    await health(telemetry, { thresholds });
    await new Promise((r) => setTimeout(r, 120));
    await health(telemetry, { thresholds });
    await new Promise((r) => setTimeout(r, 120));
    expect((await health(telemetry, { thresholds })).checks.eventLoop.status).to.equal('healthy');
    // Busy-wait: the loop really is blocked (no timer can run meanwhile).
    const until = Date.now() + 250;
    while (Date.now() < until);
    await new Promise((r) => setTimeout(r, 25));
    const report = await health(telemetry, { thresholds });
    expect(report.checks.eventLoop.status).to.equal('degraded');
    expect(report.checks.eventLoop.value).to.be.at.least(150);
    expect(report.checks.eventLoop.detail).to.match(/^p99 delay [\d.]+ ms, max [\d.]+ ms$/);
  });

  it('counts handler failures on the bus within the window only', async () => {
    let now = 1_000_000;
    const telemetry = new Telemetry();
    monitorHealth(telemetry, { windowMs: 10_000, now: () => now });
    telemetry.attach('broken', ['app', 'tick'], () => {
      throw new Error('bug');
    }, undefined, { onFailure: 'keep' });
    for (let i = 0; i < 3; i++) telemetry.emit(['app', 'tick'], {});
    let report = await health(telemetry, { thresholds: { ...LENIENT, handlerFailures: { degraded: 1, critical: 3 } } });
    expect(report.checks.handlerFailures).to.include({ status: 'critical', value: 3 });
    expect(report.status).to.equal('critical');
    now += 10_001;
    report = await health(telemetry, { thresholds: LENIENT });
    expect(report.checks.handlerFailures).to.include({ status: 'healthy', value: 0 });
  });

  it('counts reporter drops from the logger drop event and configured ones, using their count', async () => {
    const telemetry = new Telemetry();
    monitorHealth(telemetry, { dropEvents: [['telemetry', 'logger', 'dropped'], ['telemetry', 'statsd', 'dropped']] });
    telemetry.emit(['telemetry', 'logger', 'dropped'], { count: 5 });
    telemetry.emit(['telemetry', 'statsd', 'dropped'], {});
    telemetry.emit(['telemetry', 'other', 'dropped'], { count: 100 });
    const report = await health(telemetry, { thresholds: LENIENT });
    expect(report.checks.reporterDrops).to.include({ status: 'degraded', value: 6 });
    expect(report.status).to.equal('degraded');
  });

  it('counts StatsD send errors as reporter drops by default', async () => {
    const telemetry = new Telemetry();
    monitorHealth(telemetry);
    telemetry.emit(['telemetry', 'statsd', 'error'], { count: 1 }, { error: new Error('EHOSTUNREACH'), reporter: 'statsd-reporter-1' });
    telemetry.emit(['telemetry', 'logger', 'dropped'], { count: 2, total: 2 }, { destination: 'stdout' });
    const report = await health(telemetry, { thresholds: LENIENT });
    expect(report.checks.reporterDrops).to.include({ status: 'degraded', value: 3 });
  });

  it('is critical while a critical alert fires and healthy again once it resolves', async () => {
    const telemetry = new Telemetry();
    const source = new Subject<MetricsSnapshot>();
    new Alerts(telemetry, { source, rules: [{ name: 'Down', severity: 'critical', metric: 'm', stat: 'p99', op: '>', threshold: 1 }] });
    source.next(snapshot(0, latency('m', [{ host: 'a' }, 5])));
    let report = await health(telemetry, { thresholds: LENIENT });
    expect(report.status).to.equal('critical');
    expect(report.checks.alerts.detail).to.match(/1 critical alert\(s\) firing: Down/);
    source.next(snapshot(1000, latency('m', [{ host: 'a' }, 0])));
    report = await health(telemetry, { thresholds: LENIENT });
    expect(report.status).to.equal('healthy');
  });

  it('a firing warning alert makes it degraded', async () => {
    const telemetry = new Telemetry();
    const source = new Subject<MetricsSnapshot>();
    new Alerts(telemetry, { source, rules: [{ name: 'Warm', severity: 'warning', metric: 'm', stat: 'p99', op: '>', threshold: 1 }] });
    source.next(snapshot(0, latency('m', [{}, 5])));
    expect((await health(telemetry, { thresholds: LENIENT })).status).to.equal('degraded');
  });

  it('failed alert deliveries make alertDelivery degraded', async () => {
    const telemetry = new Telemetry();
    const source = new Subject<MetricsSnapshot>();
    const alerts = new Alerts(telemetry, {
      source,
      rules: [{ name: 'Info', severity: 'info', metric: 'm', stat: 'p99', op: '>', threshold: 1 }],
      handlers: [() => Promise.reject(new Error('receiver down'))],
    });
    source.next(snapshot(0, latency('m', [{}, 5])));
    await alerts.flush();
    const report = await health(telemetry, { thresholds: LENIENT });
    expect(report.checks.alertDelivery).to.include({ status: 'degraded', value: 1 });
    expect(report.checks.alerts.status, 'an info alert alone is no degradation').to.equal('healthy');
    expect(report.status).to.equal('degraded');
  });

  it('runs custom async checks and takes the worst status', async () => {
    const report = await health(new Telemetry(), {
      thresholds: LENIENT,
      checks: {
        db: async () => ({ status: 'healthy', detail: 'ping 2 ms', value: 2 }),
        cache: () => 'degraded',
      },
    });
    expect(report.checks.db).to.deep.equal({ status: 'healthy', detail: 'ping 2 ms', value: 2 });
    expect(report.checks.cache.status).to.equal('degraded');
    expect(report.status).to.equal('degraded');
  });

  it('a hung custom check reports critical after its timeout and never hangs health()', async () => {
    let aborted = false;
    const started = Date.now();
    const report = await health(new Telemetry(), {
      thresholds: LENIENT,
      timeoutMs: 50,
      checks: {
        hung: (signal) =>
          new Promise(() => {
            signal.addEventListener('abort', () => {
              aborted = true;
            });
          }),
        fine: async () => 'healthy' as const,
      },
    });
    expect(Date.now() - started).to.be.below(1000);
    expect(report.status).to.equal('critical');
    expect(report.checks.hung).to.deep.equal({ status: 'critical', detail: 'timed out after 50 ms' });
    expect(report.checks.fine.status).to.equal('healthy');
    expect(aborted, 'the check is told to give up').to.equal(true);
  });

  it('a throwing custom check or one returning garbage reports critical with the reason', async () => {
    const report = await health(new Telemetry(), {
      builtIn: false,
      checks: {
        throws: () => {
          throw new Error('db gone');
        },
        garbage: async () => ({ status: 'fine' }) as never,
      },
    });
    expect(Object.keys(report.checks)).to.deep.equal(['throws', 'garbage']);
    expect(report.checks.throws).to.deep.equal({ status: 'critical', detail: 'failed: db gone' });
    expect(report.checks.garbage.status).to.equal('critical');
    expect(report.checks.garbage.detail).to.match(/returned no valid status/);
  });

  it('rejects a non-function check and a bad timeout with a TypeError', async () => {
    const failure = async (options: HealthOptions): Promise<unknown> => health(new Telemetry(), options).then(() => undefined, (e: unknown) => e);
    expect(await failure({ checks: { x: 'no' as never } })).to.be.instanceOf(TypeError).with.property('message').that.matches(/check "x" must be a function/);
    expect(await failure({ timeoutMs: 0 })).to.be.instanceOf(TypeError).with.property('message').that.matches(/timeoutMs must be a finite number > 0/);
  });
});
