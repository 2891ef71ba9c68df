import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { Subject } from 'rxjs';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { freePort } from '@rx-telemetry/devkit/peer-process';
import { Alerts, ALERT_DELIVERY_FAILED_EVENT, webhookHandler, type WebhookOptions, type WebhookPayload } from '../src/index.js';
import { startReceiver, type Behaviour, type Receiver } from './http-receiver.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { latency, snapshot } from './snapshots.js';

const RULE = { name: 'Hot', severity: 'critical', metric: 'lat', stat: 'p99', op: '>', threshold: 100 } as const;

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function run(behaviour: Behaviour, hook: Omit<WebhookOptions, 'url'>, url?: (base: string) => string) {
  receiver = await startReceiver(behaviour);
  const telemetry = new Telemetry();
  const seen = recordEvents(telemetry, [ALERT_DELIVERY_FAILED_EVENT]);
  const source = new Subject<MetricsSnapshot>();
  const alerts = new Alerts(telemetry, { source, rules: [RULE], handlers: [webhookHandler({ url: url ? url(receiver.url) : receiver.url, ...hook })] });
  source.next(snapshot(Date.now(), latency('lat', [{ route: '/pay' }, 700])));
  await alerts.flush();
  return { received: receiver.received, failures: seen, alerts };
}

describe('webhookHandler (real HTTP server on 127.0.0.1)', () => {
  it('POSTs the alert as JSON with the configured headers', async () => {
    const { received, failures } = await run(() => 204, { headers: { 'x-team': 'sre' }, timeoutMs: 1000, retries: 0, backoffMs: 0 });
    expect(failures).to.have.length(0);
    expect(received).to.have.length(1);
    expect(received[0].method).to.equal('POST');
    expect(received[0].headers['content-type']).to.equal('application/json');
    expect(received[0].headers['x-team']).to.equal('sre');
    const body = received[0].body as WebhookPayload;
    expect(body.status).to.equal('firing');
    expect(body.alert).to.include({ name: 'Hot', severity: 'critical', value: 700, threshold: 100 });
    expect(body.alert.labels).to.deep.equal({ route: '/pay' });
  });

  it('retries a 500 with backoff and succeeds on a later attempt', async () => {
    const { received, failures, alerts } = await run((n) => (n < 2 ? 500 : 200), { timeoutMs: 1000, retries: 3, backoffMs: 20 });
    expect(received).to.have.length(3);
    expect(failures).to.have.length(0);
    // Backoff doubles: ≥ 20 ms before the 2nd attempt, ≥ 40 ms before the 3rd.
    expect(received[1].at - received[0].at).to.be.at.least(18);
    expect(received[2].at - received[1].at).to.be.at.least(38);
    expect(Object.values(alerts.deliveryStats())[0]).to.include({ delivered: 1, failed: 0 });
  });

  it('gives up after retries + 1 attempts and reports delivery_failed with the status', async () => {
    const { received, failures } = await run(() => 503, { timeoutMs: 1000, retries: 2, backoffMs: 5 });
    expect(received).to.have.length(3);
    expect(failures).to.have.length(1);
    expect(failures[0].measurements).to.include({ attempts: 3, failures: 1 });
    expect(String(failures[0].metadata.error)).to.match(/after 3 attempts: HTTP 503/);
  });

  it('does not retry a 4xx other than 429', async () => {
    const { received, failures } = await run(() => 400, { timeoutMs: 1000, retries: 3, backoffMs: 5 });
    expect(received).to.have.length(1);
    expect(failures[0].measurements.attempts).to.equal(1);
    expect(String(failures[0].metadata.error)).to.match(/after 1 attempt: HTTP 400/);
  });

  it('times out an endpoint that never answers, per attempt, and reports it', async () => {
    const started = Date.now();
    const { received, failures } = await run(() => 'hang', { timeoutMs: 80, retries: 1, backoffMs: 5 });
    expect(received).to.have.length(2);
    expect(Date.now() - started).to.be.below(2000);
    expect(String(failures[0].metadata.error)).to.match(/timed out after 80 ms/);
  });

  it('reports connection refused after its retries', async () => {
    const port = await freePort();
    const { failures } = await run(() => 200, { timeoutMs: 500, retries: 2, backoffMs: 5 }, () => `http://127.0.0.1:${port}/nobody`);
    expect(failures).to.have.length(1);
    expect(failures[0].measurements.attempts).to.equal(3);
    expect(String(failures[0].metadata.error)).to.match(/ECONNREFUSED/);
  });

  it('sends URL credentials as Basic auth and keeps them out of events and handler names', async () => {
    const withCreds = (base: string) => base.replace('http://', 'http://bot:hunter2@');
    const ok = await run(() => 200, { timeoutMs: 1000, retries: 0, backoffMs: 0 }, withCreds);
    expect(ok.received[0].headers.authorization).to.equal(`Basic ${Buffer.from('bot:hunter2').toString('base64')}`);
    expect(Object.keys(ok.alerts.deliveryStats())[0]).to.match(/^webhook\(http:\/\/\*\*\*@127\.0\.0\.1:\d+\/…\)$/);
    await receiver?.close();

    const port = await freePort();
    const bad = await run(() => 200, { timeoutMs: 300, retries: 0, backoffMs: 0 }, () => `http://bot:hunter2@127.0.0.1:${port}/x`);
    expect(bad.failures).to.have.length(1);
    const everything = JSON.stringify(bad.failures.map((f) => [f.measurements, f.metadata]));
    expect(everything).to.include('***@127.0.0.1');
    expect(everything).to.not.include('hunter2');
  });

  it('keeps a token in the URL path or query out of failure events', async () => {
    const { received, failures } = await run(() => 500, { timeoutMs: 1000, retries: 0, backoffMs: 0 }, (base) => `${base}/T0/B0/SecretToken?sig=AlsoSecret`);
    expect(received[0].url).to.equal('/hook/T0/B0/SecretToken?sig=AlsoSecret');
    const everything = JSON.stringify(failures.map((f) => f.metadata));
    expect(everything).to.match(/POST http:\/\/127\.0\.0\.1:\d+\/… failed after 1 attempt: HTTP 500/);
    expect(everything).to.not.match(/SecretToken|AlsoSecret/);
  });

  it('a webhook that never answers holds up neither evaluation nor a second handler', async () => {
    receiver = await startReceiver(() => 'hang');
    const source = new Subject<MetricsSnapshot>();
    const other: string[] = [];
    const alerts = new Alerts(new Telemetry(), {
      source,
      rules: [RULE],
      handlers: [webhookHandler({ url: receiver.url, timeoutMs: 5000, retries: 0, backoffMs: 0 }), (a) => void other.push(a.status)],
    });
    const started = Date.now();
    source.next(snapshot(started, latency('lat', [{}, 700])));
    source.next(snapshot(started + 1000, latency('lat', [{}, 10])));
    expect(alerts.history().map((a) => a.status), 'evaluated synchronously').to.deep.equal(['firing', 'resolved']);
    await receiver.waitFor(1);
    await new Promise((r) => setImmediate(r));
    expect(other).to.deep.equal(['firing', 'resolved']);
    expect(Date.now() - started).to.be.below(1000);
    expect(Object.values(alerts.deliveryStats())[0]).to.include({ delivered: 0, queued: 1 });
  });

  it('a webhook that never answers cannot hold up shutdown: at delivery.stopTimeoutMs the request is aborted and reported (issue 14 item 10)', async () => {
    receiver = await startReceiver(() => 'hang');
    const telemetry = new Telemetry();
    const failures = recordEvents(telemetry, [ALERT_DELIVERY_FAILED_EVENT]);
    const source = new Subject<MetricsSnapshot>();
    new Alerts(telemetry, {
      source,
      rules: [RULE],
      handlers: [webhookHandler({ url: receiver.url, timeoutMs: 60_000, retries: 3, backoffMs: 1000 })],
      delivery: { stopTimeoutMs: 100 },
    });
    source.next(snapshot(Date.now(), latency('lat', [{}, 700])));
    await receiver.waitFor(1);
    const started = Date.now();
    const report = await telemetry.shutdown();
    expect(Date.now() - started).to.be.below(2000);
    expect(report).to.deep.include({ stopped: ['alerts'], abandoned: [] });
    expect(failures.map((f) => [f.metadata.reason, f.metadata.status, f.measurements.attempts])).to.deep.equal([
      ['abandoned', 'resolved', 0],
      ['abandoned', 'firing', 1],
    ]);
    expect(receiver.received, 'no retry after the abort').to.have.length(1);
  });
});
