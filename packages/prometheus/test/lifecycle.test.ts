import { counter, sum, Telemetry } from '@rx-telemetry/core';
import { freePort } from '@rx-telemetry/devkit/peer-process';
import { startPushgateway, type PushgatewayPeer } from '@rx-telemetry/devkit/prometheus';
import { Aggregator } from '@rx-telemetry/hdr';
import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PrometheusReporter, PUSH_EVENT } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

const EVENT = ['batch', 'import', 'stop'];

function keptAlive(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.on('data', (d) => {
      data += d.toString();
      if (data.includes('\r\n\r\n')) resolve(socket);
    });
    socket.on('error', reject);
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  });
}

async function gatewayValue(gateway: PushgatewayPeer, job: string): Promise<string | undefined> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return new RegExp(`^batch_import_stop_items_total\\{instance="",job="${job}"\\} (\\S+)$`, 'm').exec(text)?.[1];
}

async function gatewayValue2(gateway: PushgatewayPeer, job: string): Promise<string | undefined> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return new RegExp(`^job_run_stop_count_total\\{instance="",job="${job}"\\} (\\S+)$`, 'm').exec(text)?.[1];
}

describe('PrometheusReporter lifecycle', function () {
  this.timeout(30_000);

  it('takes its bus first, and refuses an aggregator that listens on another bus with a TypeError', async () => {
    const a = new Telemetry();
    const b = new Telemetry();
    const agg = new Aggregator(a, { metrics: [counter('a.b.count')] });
    expect(() => new PrometheusReporter(b, { aggregator: agg })).to.throw(TypeError, /another Telemetry bus/);
    expect(() => new PrometheusReporter({ aggregator: agg } as unknown as Telemetry, { aggregator: agg })).to.throw(TypeError, /first argument must be the Telemetry bus/);
    // A restored aggregator listens on no bus: any bus may expose it.
    expect(() => new PrometheusReporter(b, { aggregator: Aggregator.restore(agg.encode()) })).not.to.throw();
    await a.shutdown();
    await b.shutdown();
  });

  it('stop() is idempotent, closes every listen() server and its open keep-alive connections', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('a.b.count')] });
    const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
    const server = await reporter.listen({ port: 0, idleTimeoutMs: 60_000 });
    const socket = await keptAlive(server.url);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const first = reporter.stop();
    expect(reporter.stop()).to.equal(first);
    await first;
    await closed;
    const refused = await fetch(`${server.url}/metrics`).then(() => false, () => true);
    expect(refused).to.equal(true);
    expect(reporter.render()).to.contain('a_b_count_total');
    let err: Error | undefined;
    try {
      await reporter.listen({ port: 0 });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/stopped/);
    await telemetry.shutdown();
  });

  it('telemetry.shutdown() stops the reporter before the aggregator it was created after', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('a.b.count')] });
    const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
    await reporter.listen({ port: 0 });
    const report = await telemetry.shutdown();
    expect(report.stopped).to.deep.equal(['prometheus-reporter', 'hdr-aggregator']);
  });

  describe('pushEvery', () => {
    let gateway: PushgatewayPeer;
    before(async () => {
      gateway = await startPushgateway();
    });
    after(async () => {
      await gateway?.stop();
    });

    it('pushes on its interval, and once more on telemetry.shutdown() with what the live aggregator holds', async () => {
      const clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval'] });
      try {
        const telemetry = new Telemetry();
        const pushes = recordEvents(telemetry, [[...PUSH_EVENT, 'stop']]);
        const agg = new Aggregator(telemetry, { metrics: [sum('batch.import.stop.items')] });
        const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
        reporter.pushEvery({ url: gateway.url, job: 'every', intervalMs: 1_000 });
        telemetry.emit(EVENT, { items: 5 });
        clock.tick(1_000);
        while (pushes.length < 1) await new Promise((r) => setImmediate(r));
        expect(await gatewayValue(gateway, 'every')).to.equal('5');
        telemetry.emit(EVENT, { items: 7 });
        await telemetry.shutdown();
        expect(pushes).to.have.length(2);
        expect(await gatewayValue(gateway, 'every')).to.equal('12');
      } finally {
        clock.uninstall();
      }
    });

    it('reports a failing periodic push as the span exception and through its health check (degraded), and rejects stop() when the final push fails', async () => {
      const clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval'] });
      try {
        const telemetry = new Telemetry();
        const failures = recordEvents(telemetry, [[...PUSH_EVENT, 'exception']]);
        const agg = new Aggregator(telemetry, { metrics: [sum('batch.import.stop.items')] });
        const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
        const nobody = await freePort();
        reporter.pushEvery({ url: `http://127.0.0.1:${nobody}`, job: 'x', intervalMs: 1_000, timeoutMs: 2_000 });
        const check = telemetry.healthChecks().get(reporter.id)!;
        expect(await check(new AbortController().signal)).to.include({ status: 'healthy', value: 0 });
        clock.tick(1_000);
        while (failures.length < 1) await new Promise((r) => setImmediate(r));
        expect(await check(new AbortController().signal)).to.deep.equal({ status: 'degraded', detail: '1 failed push(es) to a Pushgateway in the last minute', value: 1 });
        let err: Error | undefined;
        await reporter.stop().catch((e: Error) => (err = e));
        expect(err?.message).to.match(/ECONNREFUSED/);
        expect(failures).to.have.length(2);
        expect(telemetry.healthChecks().has(reporter.id)).to.equal(false);
        await telemetry.shutdown();
      } finally {
        clock.uninstall();
      }
    });

    it('composed as the docs compose it, only telemetry.shutdown() ends everything: the process exits on its own, nothing left active, the final push arrived', async () => {
      const script = fileURLToPath(new URL('./fixtures/compose-exit.js', import.meta.url));
      const started = performance.now();
      const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, [script, gateway.url], { timeout: 20_000 }, (error, out, err) =>
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout: out, stderr: err }),
        );
        child.stdin?.end();
      });
      expect({ code, stderr }).to.deep.equal({ code: 0, stderr: '' });
      expect(performance.now() - started).to.be.below(15_000);
      const { report, active } = JSON.parse(stdout) as { report: { stopped: string[]; failed: unknown[]; abandoned: string[] }; active: string[] };
      expect(report).to.deep.equal({ stopped: ['prometheus-reporter', 'hdr-aggregator'], failed: [], abandoned: [] });
      // What is left is the child's own stdout pipe and the like: no server, socket or timer of ours.
      expect(active.filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap' || r === 'Timeout')).to.deep.equal([]);
      expect(await gatewayValue2(gateway, 'compose_exit')).to.equal('3');
    });

    it('rejects bad options at once with a TypeError', async () => {
      const telemetry = new Telemetry();
      const agg = new Aggregator(telemetry, { metrics: [sum('batch.import.stop.items')] });
      const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
      expect(() => reporter.pushEvery({ url: 'ftp://x', job: 'x', intervalMs: 1000 })).to.throw(TypeError);
      expect(() => reporter.pushEvery({ url: gateway.url, job: 'x', intervalMs: 0 })).to.throw(TypeError, /intervalMs/);
      await telemetry.shutdown();
    });
  });
});
