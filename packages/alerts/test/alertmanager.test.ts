import { expect } from 'chai';
import { Subject } from 'rxjs';
import { Telemetry } from '@rx-telemetry/core';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { startAlertmanager, type AlertmanagerPeer } from '@rx-telemetry/devkit/alertmanager';
import { Alerts, ALERT_DELIVERY_FAILED_EVENT, alertmanagerHandler } from '../src/index.js';
import { startReceiver, type Receiver } from './http-receiver.js';
import { latency, snapshot } from './snapshots.js';

interface AmNotification {
  readonly status: 'firing' | 'resolved';
  readonly alerts: { status: string; labels: Record<string, string>; endsAt: string }[];
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('alertmanagerHandler against a real prometheus-alertmanager', function () {
  this.timeout(30_000);
  let am: AlertmanagerPeer | undefined;
  let hook: Receiver | undefined;

  before(async () => {
    // Alertmanager's own webhook receiver is our witness of what it decided (firing, then resolved).
    hook = await startReceiver(() => 200);
    am = await startAlertmanager({ webhookUrl: hook.url });
  });

  after(async () => {
    await am?.stop();
    await hook?.close();
  });

  it('lists our fired alert in /api/v2/alerts, then resolves it when we resolve', async () => {
    const peer = am as AlertmanagerPeer;
    const telemetry = new Telemetry();
    const failures: unknown[] = [];
    telemetry.attach('failures', ALERT_DELIVERY_FAILED_EVENT, (_e, _m, md) => failures.push(md));
    const source = new Subject<MetricsSnapshot>();
    const alerts = new Alerts(telemetry, {
      source,
      rules: [{ name: 'CheckoutSlow', severity: 'critical', metric: 'http.duration', stat: 'p99', op: '>', threshold: 250, annotations: { summary: 'p99 over 250 ms' } }],
      handlers: [alertmanagerHandler({ url: peer.url, timeoutMs: 2000, retries: 1, backoffMs: 50 })],
    });
    const startsAt = Date.now() - 1000;
    source.next(snapshot(startsAt, latency('http.duration', [{ route: '/checkout', 'http.method': 'POST' }, 900])));
    await alerts.flush();
    expect(failures).to.deep.equal([]);

    const listed = await until('the alert in /api/v2/alerts', async () => (await peer.alerts()).find((a) => a.labels.alertname === 'CheckoutSlow'));
    expect(listed.labels).to.deep.equal({ alertname: 'CheckoutSlow', severity: 'critical', route: '/checkout', http_method: 'POST' });
    expect(listed.annotations).to.deep.equal({ summary: 'p99 over 250 ms', value: '900', threshold: '250' });
    expect(listed.status.state).to.equal('active');
    expect(Date.parse(listed.startsAt)).to.equal(startsAt);
    expect(Date.parse(listed.endsAt), 'a firing alert ends in the future').to.be.above(Date.now());
    const receiver = hook as Receiver;
    const firing = await until('a firing notification from Alertmanager', async () =>
      receiver.received.map((r) => r.body as AmNotification).find((n) => n.status === 'firing'),
    );
    expect(firing.alerts[0].labels.alertname).to.equal('CheckoutSlow');

    const resolvedAt = Date.now();
    source.next(snapshot(resolvedAt, latency('http.duration', [{ route: '/checkout', 'http.method': 'POST' }, 40])));
    await alerts.flush();
    expect(failures).to.deep.equal([]);

    await until('the alert gone from the active list', async () => ((await peer.alerts()).some((a) => a.labels.alertname === 'CheckoutSlow') ? undefined : true));
    // Alertmanager itself notifies the resolution, with endsAt in the past.
    const resolved = await until('a resolved notification from Alertmanager', async () =>
      receiver.received.map((r) => r.body as AmNotification).find((n) => n.status === 'resolved'),
    );
    expect(resolved.alerts[0].labels.alertname).to.equal('CheckoutSlow');
    expect(Date.parse(resolved.alerts[0].endsAt)).to.equal(resolvedAt);
    expect(Date.parse(resolved.alerts[0].endsAt)).to.be.at.most(Date.now());
  });

  it('a 404 from Alertmanager (wrong path) is reported as delivery_failed, not retried, and does not hold up evaluation', async () => {
    const telemetry = new Telemetry();
    const failures: string[] = [];
    const attempts: number[] = [];
    telemetry.attach('failures', ALERT_DELIVERY_FAILED_EVENT, (_e, m, md) => {
      failures.push(String(md.error));
      attempts.push(m.attempts);
    });
    const source = new Subject<MetricsSnapshot>();
    const port = (am as AlertmanagerPeer).port;
    const alerts = new Alerts(telemetry, {
      source,
      rules: [{ name: 'X', severity: 'warning', metric: 'm', stat: 'p99', op: '>', threshold: 1 }],
      // The right host and a path Alertmanager does not serve: a real 404 from a real peer.
      handlers: [alertmanagerHandler({ url: `http://127.0.0.1:${port}/nowhere/api/v2/alerts`, retries: 3, backoffMs: 10 })],
    });
    source.next(snapshot(Date.now(), latency('m', [{}, 5])));
    expect(alerts.active()).to.have.length(1);
    await alerts.flush();
    expect(failures).to.have.length(1);
    expect(failures[0]).to.match(/failed after 1 attempt: HTTP 404/);
    expect(attempts).to.deep.equal([1]);
  });

  it('startAlertmanager rejects with a clear error when the binary is missing (a test using it fails, never skips)', async () => {
    let error: Error | undefined;
    try {
      const peer = await startAlertmanager({ binary: '/nonexistent/prometheus-alertmanager' });
      await peer.stop();
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.match(/alertmanager: cannot start \/nonexistent\/prometheus-alertmanager: .*ENOENT/);
  });
});
