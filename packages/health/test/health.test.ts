import { expect } from 'chai';
import { Telemetry } from '@rx-telemetry/core';
import { health, type HealthOptions } from '../src/index.js';

describe('health()', () => {
  it('runs every check registered on the bus and takes the worst status', async () => {
    const telemetry = new Telemetry();
    telemetry.addHealthCheck('statsd', () => ({ status: 'degraded', detail: '3 send errors in the last 60 s', value: 3 }));
    telemetry.addHealthCheck('logger', async () => 'healthy' as const);
    const report = await health(telemetry);
    expect(report.status).to.equal('degraded');
    expect(report.checks).to.deep.equal({
      statsd: { status: 'degraded', detail: '3 send errors in the last 60 s', value: 3 },
      logger: { status: 'healthy', detail: 'healthy' },
    });
    expect(Date.parse(report.timestamp)).to.be.closeTo(Date.now(), 5000);
  });

  it('is healthy with no checks at all', async () => {
    expect(await health(new Telemetry())).to.deep.include({ status: 'healthy', checks: {} });
  });

  it('runs the checks given for this report too; one named like a registered check replaces it', async () => {
    const telemetry = new Telemetry();
    telemetry.addHealthCheck('db', () => 'critical');
    const report = await health(telemetry, { checks: { db: async () => ({ status: 'healthy', detail: 'ping 2 ms', value: 2 }), cache: () => 'degraded' } });
    expect(report.checks.db).to.deep.equal({ status: 'healthy', detail: 'ping 2 ms', value: 2 });
    expect(report.checks.cache.status).to.equal('degraded');
    expect(report.status).to.equal('degraded');
    expect([...telemetry.healthChecks().keys()], 'the bus keeps its own').to.deep.equal(['db']);
  });

  it('a hung check reports critical after its timeout, is told to give up, and never hangs health()', async () => {
    let aborted = false;
    const telemetry = new Telemetry();
    telemetry.addHealthCheck('hung', (signal) =>
      new Promise(() => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
      }),
    );
    const started = Date.now();
    const report = await health(telemetry, { timeoutMs: 50, checks: { fine: async () => 'healthy' as const } });
    expect(Date.now() - started).to.be.below(1000);
    expect(report.status).to.equal('critical');
    expect(report.checks.hung).to.deep.equal({ status: 'critical', detail: 'timed out after 50 ms' });
    expect(report.checks.fine.status).to.equal('healthy');
    expect(aborted).to.equal(true);
  });

  it('a throwing check or one returning garbage reports critical with the reason', async () => {
    const report = await health(new Telemetry(), {
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

  it('rejects a non-function check, a bad timeout and a non-bus with a TypeError', async () => {
    const failure = async (options: HealthOptions, bus: unknown = new Telemetry()): Promise<unknown> => health(bus as Telemetry, options).then(() => undefined, (e: unknown) => e);
    expect(await failure({ checks: { x: 'no' as never } })).to.be.instanceOf(TypeError).with.property('message').that.matches(/check "x" must be a function/);
    expect(await failure({ timeoutMs: 0 })).to.be.instanceOf(TypeError).with.property('message').that.matches(/timeoutMs must be a finite number > 0/);
    expect(await failure({}, {})).to.be.instanceOf(TypeError).with.property('message').that.matches(/telemetry must be a Telemetry instance/);
  });
});
