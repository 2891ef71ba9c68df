import { counter, Telemetry, type CheckResult, type HealthCheck } from '@rx-telemetry/core';
import { freePort } from '@rx-telemetry/devkit/peer-process';
import { expect } from 'chai';
import { StatsdReporter } from '../src/index.js';
import { captureUdp } from './udp-capture.js';

async function evaluate(check: HealthCheck | undefined): Promise<CheckResult> {
  if (check === undefined) throw new Error('no health check registered');
  return (await check(new AbortController().signal)) as CheckResult;
}

describe('StatsdReporter lifecycle', function () {
  this.timeout(10_000);

  it('registers with the bus under its id and is stopped by telemetry.shutdown()', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [counter('life.job.done.count')], port: capture.port, bufferFlushInterval: 600_000 });
    bus.emit(['life', 'job', 'done'], {});
    const report = await bus.shutdown();
    const lines = await capture.waitForLines(1);
    await capture.close();
    expect([report.stopped, bus.listHandlers(), lines]).to.deep.equal([[reporter.id], [], ['life.job.done.count:1|c']]);
  });

  it('returns the same promise from every stop() call, and shutdown() does not stop it again', async () => {
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [counter('again.job.done.count')], port: await freePort() });
    const first = reporter.stop();
    expect(reporter.stop()).to.equal(first);
    await first;
    expect((await bus.shutdown()).stopped).to.deep.equal([]);
  });

  it('rejects an empty metrics list and a metric defined twice', () => {
    const bus = new Telemetry();
    expect(() => new StatsdReporter(bus, { metrics: [] })).to.throw(TypeError, /options\.metrics must be an array of at least one metric definition/);
    expect(() => new StatsdReporter(bus, { metrics: [counter('twice.x.count'), counter('twice.x.count')] })).to.throw(TypeError, /metric "twice\.x\.count" is defined twice/);
  });

  it('contributes a health check: healthy, degraded after an error in the last minute, removed by stop()', async () => {
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [counter('hc.job.done.count')], port: await freePort(), protocol: 'tcp', maxBufferSize: 0 });
    const before = await evaluate(bus.healthChecks().get(reporter.id));
    // Nobody listens on the port: the connection is refused, one error.
    bus.emit(['hc', 'job', 'done'], {});
    const deadline = Date.now() + 5_000;
    while (reporter.errors === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const after = await evaluate(bus.healthChecks().get(reporter.id));
    await reporter.stop();
    expect([before.status, after.status, bus.healthChecks().has(reporter.id)]).to.deep.equal(['healthy', 'degraded', false]);
  });
});
