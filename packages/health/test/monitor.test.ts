import { expect } from 'chai';
import { HANDLER_FAILURE_EVENT, Telemetry } from '@rx-telemetry/core';
import { health, HealthMonitor, monitorHealth, type HealthThresholds } from '../src/index.js';

/** Only the check under test matters; the others get limits they cannot reach. */
const LENIENT: HealthThresholds = {
  eventLoopDelayMs: { degraded: 1e9, critical: 1e9 },
  heapUsedRatio: { degraded: 2, critical: 2 },
};

const monitors: HealthMonitor[] = [];
function monitor(telemetry: Telemetry, options: Parameters<typeof monitorHealth>[1] = {}): HealthMonitor {
  const m = monitorHealth(telemetry, { thresholds: LENIENT, ...options });
  monitors.push(m);
  return m;
}

describe('monitorHealth()', () => {
  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((m) => m.stop()));
  });

  it('registers eventLoop, heap and handlerFailures on the bus, healthy on a quiet one', async () => {
    const telemetry = new Telemetry();
    monitor(telemetry);
    expect([...telemetry.healthChecks().keys()]).to.deep.equal(['eventLoop', 'heap', 'handlerFailures']);
    const report = await health(telemetry);
    expect(report.status).to.equal('healthy');
  });

  it('knows no reporter: a drop event of the logger or StatsD is not its business (their own checks are)', async () => {
    const telemetry = new Telemetry();
    monitor(telemetry);
    telemetry.emit(['telemetry', 'logger', 'dropped'], { count: 5 });
    telemetry.emit(['telemetry', 'statsd', 'error'], { count: 1 });
    expect((await health(telemetry)).status).to.equal('healthy');
  });

  it('reports heap used against the v8 heap limit', async () => {
    const telemetry = new Telemetry();
    monitor(telemetry, { thresholds: { ...LENIENT, heapUsedRatio: { degraded: 1e-9, critical: 2 } } });
    const heap = (await health(telemetry)).checks.heap;
    expect(heap.status).to.equal('degraded');
    expect(heap.value).to.be.greaterThan(0).and.lessThan(1);
    expect(heap.detail).to.match(/heap used [\d.]+ MiB of [\d.]+ MiB limit/);
  });

  it('sees a blocked event loop in the eventLoop check (p99 over the monitor window)', async () => {
    const telemetry = new Telemetry();
    // A short window. The sampler is process-wide, so its history holds whatever blocked this
    // process before (module loading, other tests): rotate twice, 120 ms apart, so both the
    // previous and the current window are quiet stretches of this test.
    monitor(telemetry, { windowMs: 100, thresholds: { ...LENIENT, eventLoopDelayMs: { degraded: 150, critical: 10_000 } } });
    await health(telemetry);
    await new Promise((r) => setTimeout(r, 120));
    await health(telemetry);
    await new Promise((r) => setTimeout(r, 120));
    expect((await health(telemetry)).checks.eventLoop.status).to.equal('healthy');
    // Busy-wait: the loop really is blocked (no timer can run meanwhile).
    const until = Date.now() + 250;
    while (Date.now() < until);
    await new Promise((r) => setTimeout(r, 25));
    const report = await health(telemetry);
    expect(report.checks.eventLoop.status).to.equal('degraded');
    expect(report.checks.eventLoop.value).to.be.at.least(150);
    expect(report.checks.eventLoop.detail).to.match(/^p99 delay [\d.]+ ms, max [\d.]+ ms$/);
  });

  it('counts handler failures on the bus within the window only', async () => {
    let now = 1_000_000;
    const telemetry = new Telemetry();
    const m = monitor(telemetry, { windowMs: 10_000, now: () => now, thresholds: { ...LENIENT, handlerFailures: { degraded: 1, critical: 3 } } });
    telemetry.attach('broken', ['app', 'tick'], () => {
      throw new Error('bug');
    }, undefined, { onFailure: 'keep' });
    for (let i = 0; i < 3; i++) telemetry.emit(['app', 'tick'], {});
    expect(m.handlerFailures()).to.equal(3);
    let report = await health(telemetry);
    expect(report.checks.handlerFailures).to.include({ status: 'critical', value: 3 });
    expect(report.status).to.equal('critical');
    now += 10_001;
    report = await health(telemetry);
    expect(report.checks.handlerFailures).to.include({ status: 'healthy', value: 0 });
  });

  it('a second monitor on one bus is a TypeError', () => {
    const telemetry = new Telemetry();
    monitor(telemetry);
    expect(() => monitorHealth(telemetry)).to.throw(TypeError, /already has the checks eventLoop, heap, handlerFailures/);
  });

  it('stop() removes its checks and stops counting; idempotent; telemetry.shutdown() stops it too', async () => {
    const telemetry = new Telemetry();
    const m = monitorHealth(telemetry);
    const stopping = m.stop();
    expect(m.stop()).to.equal(stopping);
    await stopping;
    expect(telemetry.healthChecks().size).to.equal(0);
    telemetry.emit(HANDLER_FAILURE_EVENT, {}, {});
    expect(m.handlerFailures()).to.equal(0);

    const other = new Telemetry();
    monitorHealth(other);
    expect((await other.shutdown()).stopped).to.deep.equal(['health-monitor']);
    expect(other.healthChecks().size).to.equal(0);
    monitorHealth(other); // the names are free again
    await other.shutdown();
  });

  it('rejects bad options with a TypeError naming them', () => {
    const bad = (options: object) => () => monitorHealth(new Telemetry(), options);
    expect(bad({ windowMs: 0 })).to.throw(TypeError, /windowMs must be a finite number > 0/);
    expect(bad({ thresholds: { heapUsedRatio: { degraded: 0.9, critical: 0.5 } } })).to.throw(TypeError, /thresholds.heapUsedRatio must be/);
    expect(bad({ thresholds: { reporterDrops: { degraded: 1, critical: 2 } } })).to.throw(TypeError, /unknown threshold "reporterDrops"/);
    expect(bad({ dropEvents: [] })).to.throw(TypeError, /unknown option "dropEvents"/);
    expect(() => monitorHealth({} as Telemetry)).to.throw(TypeError, /telemetry must be a Telemetry instance/);
  });
});
