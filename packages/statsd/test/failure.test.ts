import { counter, HANDLER_FAILURE_EVENT, Telemetry } from '@rx-telemetry/core';
import { freePort } from '@rx-telemetry/devkit/peer-process';
import { startStatsd } from '@rx-telemetry/devkit/statsd';
import { expect } from 'chai';
import { STATSD_ERROR_EVENT, StatsdReporter } from '../src/index.js';

function watchUncaught(): { errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const onError = (e: unknown): void => void errors.push(e);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    errors,
    stop: () => {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('StatsdReporter when the server fails', function () {
  this.timeout(20_000);

  for (const protocol of ['udp', 'tcp'] as const) {
    it(`survives the daemon being killed mid-run (${protocol}): no throw, no crash, still attached`, async () => {
      const statsd = await startStatsd({ tcp: protocol === 'tcp' });
      const uncaught = watchUncaught();
      const bus = new Telemetry();
      const failures: unknown[] = [];
      bus.attach('failures', HANDLER_FAILURE_EVENT, (_e, _m, md) => failures.push(md.error));
      const errors: Error[] = [];
      const reporter = new StatsdReporter(bus, {
        metrics: [counter('kill.job.done.count')],
        port: protocol === 'tcp' ? (statsd.tcpPort as number) : statsd.port,
        protocol,
        maxBufferSize: 0,
        onError: (e) => errors.push(e),
      });
      try {
        for (let i = 0; i < 50; i++) {
          bus.emit(['kill', 'job', 'done'], {});
          await tick();
        }
        const before = await statsd.waitFor(() => statsd.counters(), (c) => c['kill.job.done.count'] === 50);
        expect(before['kill.job.done.count']).to.equal(50);
        await statsd.kill();
        // TCP notices the dead peer on a later write; keep emitting through it.
        for (let i = 0; i < 200; i++) {
          expect(() => bus.emit(['kill', 'job', 'done'], {})).to.not.throw();
          await tick();
        }
        expect(bus.listHandlers(['kill']).length).to.equal(1);
        expect(failures).to.deep.equal([]);
        expect(uncaught.errors).to.deep.equal([]);
        if (protocol === 'tcp') {
          expect(errors.length).to.be.greaterThan(0);
          expect(reporter.errors).to.equal(errors.length);
        }
        await reporter.stop();
        expect(uncaught.errors).to.deep.equal([]);
      } finally {
        uncaught.stop();
        await reporter.stop();
        await statsd.stop();
      }
    });
  }

  it('gets metrics to a TCP server again after it was killed and restarted on the same port', async () => {
    const first = await startStatsd({ tcp: true });
    const ports = { port: first.port, tcpPort: first.tcpPort, mgmtPort: first.mgmtPort };
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [counter('again.job.done.count')], port: first.tcpPort as number, protocol: 'tcp', maxBufferSize: 0 });
    let second: Awaited<ReturnType<typeof startStatsd>> | undefined;
    try {
      bus.emit(['again', 'job', 'done'], {});
      await first.waitFor(() => first.counters(), (c) => c['again.job.done.count'] === 1);
      await first.kill();
      for (let i = 0; i < 20; i++) {
        bus.emit(['again', 'job', 'done'], {});
        await tick();
      }
      await first.stop();
      second = await startStatsd({ tcp: true, ...ports });
      const peer = second;
      // Reconnection is rate-limited to once a second: emit until the new daemon counts some.
      const deadline = Date.now() + 8000;
      let counted: number | undefined;
      while (Date.now() < deadline && counted === undefined) {
        bus.emit(['again', 'job', 'done'], {});
        await new Promise((r) => setTimeout(r, 20));
        counted = (await peer.counters())['again.job.done.count'];
      }
      expect(counted).to.be.a('number').and.greaterThan(0);
      expect(reporter.errors).to.be.greaterThan(0);
    } finally {
      await reporter.stop();
      await second?.stop();
      await first.stop();
    }
  });

  it('counts errors of an unreachable TCP server, reports them as events and never throws into the emitter', async () => {
    const port = await freePort();
    const bus = new Telemetry();
    const events: unknown[] = [];
    bus.attach('errors', STATSD_ERROR_EVENT, (_e, m, md) => events.push({ m, error: md.error instanceof Error }));
    const reporter = new StatsdReporter(bus, {
      metrics: [counter('down.job.done.count')],
      port,
      protocol: 'tcp',
      maxBufferSize: 0,
      onError: () => {
        throw new Error('a broken onError must not escape either');
      },
    });
    for (let i = 0; i < 20; i++) {
      expect(() => bus.emit(['down', 'job', 'done'], {})).to.not.throw();
      await tick();
    }
    await reporter.stop();
    expect(reporter.errors).to.be.greaterThan(0);
    expect(events).to.have.length(reporter.errors);
    expect(events[0]).to.deep.equal({ m: { count: 1 }, error: true });
  });

  it('reports a missing unix-dgram through onError when uds is asked for, and never throws', async () => {
    const bus = new Telemetry();
    const errors: string[] = [];
    const reporter = new StatsdReporter(bus, { metrics: [counter('uds.x.count', { eventName: ['uds'] })], protocol: 'uds', host: '/nonexistent/statsd.sock', onError: (e) => errors.push(e.message) });
    expect(() => bus.emit(['uds'], {})).to.not.throw();
    await reporter.stop();
    expect(errors.some((m) => m.includes('unix_dgram'))).to.equal(true);
    expect(reporter.errors).to.equal(errors.length);
  });

  it('stop() is idempotent and detaches every handler', async () => {
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [counter('idem.a.count'), counter('idem.b.count')], port: await freePort() });
    expect(bus.listHandlers().length).to.equal(2);
    const first = reporter.stop();
    expect(reporter.stop()).to.equal(first);
    await first;
    expect(bus.listHandlers()).to.deep.equal([]);
  });
});
