import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@rx-telemetry/devkit/peer-process';
import { startPushgateway, type PushgatewayPeer } from '@rx-telemetry/devkit/prometheus';
import { startStatsd, type StatsdPeer } from '@rx-telemetry/devkit/statsd';

// The composition test: the example runs as a child process against a real StatsD daemon (Etsy's)
// and a real Pushgateway. Its only stop is `await telemetry.shutdown()`: it must exit on its own,
// with nothing the packages opened still active, every logged event a line, and the final counts
// at both peers.

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const ORDERS = 60;
const FAILED = Math.floor(ORDERS / 7);
// Resources a finished process may still hold that are not ours: its standard streams.
const STDIO = new Set(['PipeWrap', 'TTYWrap', 'FSReqCallback']);

describe('examples/compose-reporters', function () {
  this.timeout(30_000);
  let statsd: StatsdPeer;
  let gateway: PushgatewayPeer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let run: { code: number | null; stdout: string; stderr: string; ms: number };
  let log: string;

  before(async () => {
    [statsd, gateway, dir] = await Promise.all([startStatsd(), startPushgateway(), tempDir('compose-reporters')]);
    log = join(dir.path, 'events.jsonl');
    const started = performance.now();
    const argv = [main, '--statsd', `127.0.0.1:${statsd.port}`, '--pushgateway', gateway.url, '--port', '0', '--log', log, '--orders', String(ORDERS)];
    run = await new Promise((resolve) => {
      execFile(process.execPath, argv, { timeout: 15_000 }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr, ms: performance.now() - started }),
      );
    });
  });

  after(async () => {
    await Promise.all([statsd?.stop(), gateway?.stop(), dir?.remove()]);
  });

  it('exits on its own with status 0 after one telemetry.shutdown(), every part stopped in reverse order', () => {
    expect({ code: run.code, stderr: run.stderr }, run.stdout).to.deep.equal({ code: 0, stderr: '' });
    expect(run.ms).to.be.below(10_000);
    expect(run.stdout).to.match(/^stopped: alerts, logger(-\d+)?, statsd-reporter(-\d+)?, prometheus-reporter, hdr-aggregator; failed: 0; abandoned: 0$/m);
  });

  it('leaves nothing the packages opened active: no server, socket, timer or file', () => {
    const active = JSON.parse(/^active: (.*)$/m.exec(run.stdout)![1]) as string[];
    expect(active.filter((r) => !STDIO.has(r))).to.deep.equal([]);
  });

  it('writes every logged event as one JSON line: each checkout and each alert transition', () => {
    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines.pop()).to.equal('');
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; correlationId?: string });
    const count = (msg: string): number => parsed.filter((p) => p.msg === msg).length;
    expect([count('shop.checkout.stop'), count('shop.checkout.exception')]).to.deep.equal([ORDERS - FAILED, FAILED]);
    expect(count('telemetry.alert.fired')).to.be.greaterThan(0);
    expect(count('telemetry.alert.resolved')).to.equal(count('telemetry.alert.fired'));
    expect(run.stdout).to.contain(`log lines written: ${lines.length}, dropped: 0`);
    expect(parsed.filter((p) => p.msg.startsWith('shop.')).map((p) => p.correlationId)).to.have.members(Array.from({ length: ORDERS }, (_, i) => `order-${i + 1}`));
  });

  it('notifies the alert firing while slow checkouts breach p99, and resolved at shutdown', () => {
    expect(run.stdout).to.match(/^alert SlowCheckout firing \{"payment":"card"\}: p99 \d+\.\d ms > 25 ms$/m);
    expect(run.stdout).to.match(/^alert SlowCheckout resolved \{"payment":"card"\}/m);
  });

  it('sent the StatsD daemon the final counts', async () => {
    const total = (c: Record<string, number>, prefix: string): number =>
      Object.entries(c).filter(([k]) => k.startsWith(prefix)).reduce((s, [, v]) => s + v, 0);
    const counters = await statsd.waitFor(() => statsd.counters(), (c) => total(c, 'shop.checkout.stop.count') === ORDERS - FAILED);
    expect([total(counters, 'shop.checkout.stop.count'), total(counters, 'shop.checkout.exception.count')]).to.deep.equal([ORDERS - FAILED, FAILED]);
  });

  it('made the final push to the Pushgateway with the final counts', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const values = [...text.matchAll(/^shop_checkout_stop_count_total\{[^}]*job="shop"[^}]*\} (\S+)$/gm)].map((m) => Number(m[1]));
    expect(values.reduce((s, v) => s + v, 0)).to.equal(ORDERS - FAILED);
  });
});
