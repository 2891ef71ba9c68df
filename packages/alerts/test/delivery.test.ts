import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { Subject } from 'rxjs';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts, ALERT_DELIVERY_FAILED_EVENT, ALERT_FIRED_EVENT, type Alert, type AlertHandler } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { latency, snapshot } from './snapshots.js';

const RULE = { name: 'Hot', severity: 'warning', metric: 'lat', stat: 'p99', op: '>', threshold: 100 } as const;

function setup(handlers: AlertHandler[], delivery?: { queueSize?: number; timeoutMs?: number }) {
  const telemetry = new Telemetry();
  const seen = recordEvents(telemetry, [ALERT_FIRED_EVENT, ALERT_DELIVERY_FAILED_EVENT]);
  const source = new Subject<MetricsSnapshot>();
  const alerts = new Alerts(telemetry, { source, rules: [RULE], handlers, delivery });
  let t = 0;
  /** Fires or resolves by alternating p99 above and below the threshold. */
  const flip = (n = 1) => {
    for (let i = 0; i < n; i++, t += 1000) source.next(snapshot(t, latency('lat', [{}, (t / 1000) % 2 === 0 ? 500 : 50])));
  };
  return { telemetry, seen, alerts, flip };
}

function never(): Promise<void> {
  return new Promise<void>(() => undefined);
}

describe('delivery', () => {
  it('never runs a handler inside the evaluation, even a synchronous one', async () => {
    const calls: Alert[] = [];
    const { seen, alerts, flip } = setup([(a) => void calls.push(a)]);
    flip();
    expect(seen.filter((s) => s.event === 'telemetry.alert.fired'), 'bus event is synchronous').to.have.length(1);
    expect(calls, 'handler not yet').to.have.length(0);
    await alerts.flush();
    expect(calls).to.have.length(1);
  });

  it('a hung handler delays neither evaluation nor the other handlers', async () => {
    const fast: Alert[] = [];
    const { alerts, flip } = setup([never, (a) => void fast.push(a)], { timeoutMs: 60_000 });
    flip(4);
    expect(alerts.history()).to.have.length(4);
    await new Promise((r) => setImmediate(r));
    expect(fast.map((a) => a.status)).to.deep.equal(['firing', 'resolved', 'firing', 'resolved']);
    expect(alerts.deliveryStats()['never']).to.deep.include({ delivered: 0, queued: 3 });
  });

  it('delivers to one handler in order: a resolution never overtakes its firing', async () => {
    const order: string[] = [];
    const slowFirst: AlertHandler = async (a) => {
      if (a.status === 'firing') await new Promise((r) => setTimeout(r, 20));
      order.push(a.status);
    };
    const { alerts, flip } = setup([slowFirst]);
    flip(2);
    await alerts.flush();
    expect(order).to.deep.equal(['firing', 'resolved']);
  });

  it('a handler that does not settle within delivery.timeoutMs is reported and its queue moves on', async () => {
    const after: Alert[] = [];
    let calls = 0;
    const hangOnce: AlertHandler = Object.assign(
      (a: Alert) => {
        calls++;
        if (calls === 1) return never();
        after.push(a);
        return undefined;
      },
      { handlerName: 'hang-once' },
    );
    const { seen, alerts, flip } = setup([hangOnce], { timeoutMs: 30 });
    flip(2);
    await alerts.flush();
    expect(after.map((a) => a.status)).to.deep.equal(['resolved']);
    const failed = seen.filter((s) => s.event === 'telemetry.alert.delivery_failed');
    expect(failed).to.have.length(1);
    expect(failed[0].metadata).to.include({ handler: 'hang-once', reason: 'timeout', name: 'Hot', status: 'firing' });
  });

  it('counts throwing and rejecting handlers as failures and emits delivery_failed for each', async () => {
    const { seen, alerts, flip } = setup([
      Object.assign(() => {
        throw new Error('sync boom');
      }, { handlerName: 'thrower' }),
      Object.assign(() => Promise.reject(new Error('async boom')), { handlerName: 'rejecter' }),
    ]);
    flip(2);
    await alerts.flush();
    const failed = seen.filter((s) => s.event === 'telemetry.alert.delivery_failed');
    expect(failed.map((f) => `${String(f.metadata.handler)}:${String(f.metadata.error)}:${f.measurements.failures}`).sort()).to.deep.equal([
      'rejecter:async boom:1',
      'rejecter:async boom:2',
      'thrower:sync boom:1',
      'thrower:sync boom:2',
    ]);
    expect(alerts.deliveryStats()).to.deep.equal({ thrower: { delivered: 0, failed: 2, queued: 0 }, rejecter: { delivered: 0, failed: 2, queued: 0 } });
  });

  it('bounds each queue: the oldest waiting notification is dropped and reported as queue_full', async () => {
    const { seen, alerts, flip } = setup([Object.assign(never, { handlerName: 'stuck' })], { queueSize: 2, timeoutMs: 60_000 });
    flip(5);
    await new Promise((r) => setImmediate(r));
    const failed = seen.filter((s) => s.event === 'telemetry.alert.delivery_failed');
    // All 5 are queued within one evaluation tick, before the first delivery starts: 3 oldest dropped.
    expect(failed.map((f) => [f.metadata.reason, f.metadata.status, f.metadata.handler])).to.deep.equal([
      ['queue_full', 'firing', 'stuck'],
      ['queue_full', 'resolved', 'stuck'],
      ['queue_full', 'firing', 'stuck'],
    ]);
    // The newest two survive: one in flight, one waiting.
    expect(alerts.deliveryStats().stuck.queued).to.equal(1);
  });

  it('stop() resolves what is still firing, waits for the queued deliveries, and returns the same promise every call', async () => {
    const done: Alert[] = [];
    const slow: AlertHandler = async (a) => {
      await new Promise((r) => setTimeout(r, 15));
      done.push(a);
    };
    const { seen, alerts, flip } = setup([slow]);
    flip(3);
    const stopping = alerts.stop();
    expect(alerts.stop()).to.equal(stopping);
    expect(done).to.have.length(0);
    await stopping;
    expect(done.map((a) => a.status)).to.deep.equal(['firing', 'resolved', 'firing', 'resolved']);
    expect(done[3]).to.include({ reason: 'stopped', endsAt: 2000 });
    expect(alerts.active()).to.deep.equal([]);
    expect(seen.filter((s) => s.event === 'telemetry.alert.delivery_failed')).to.deep.equal([]);
  });

  it('telemetry.shutdown() alone stops it the same way (registered as "alerts")', async () => {
    const done: string[] = [];
    const { telemetry, flip } = setup([async (a) => void done.push(a.status)]);
    flip(3);
    const report = await telemetry.shutdown();
    expect(report.stopped).to.deep.equal(['alerts']);
    expect(done).to.deep.equal(['firing', 'resolved', 'firing', 'resolved']);
  });

  it('stop() waits at most delivery.stopTimeoutMs: the delivery in flight is aborted, the rest dropped, each reported as abandoned', async () => {
    let signal: AbortSignal | undefined;
    const hung: AlertHandler = Object.assign(
      (_a: Alert, s: AbortSignal) => {
        signal = s;
        return never();
      },
      { handlerName: 'hung' },
    );
    const telemetry = new Telemetry();
    const seen = recordEvents(telemetry, [ALERT_DELIVERY_FAILED_EVENT]);
    const source = new Subject<MetricsSnapshot>();
    const alerts = new Alerts(telemetry, { source, rules: [RULE], handlers: [hung], delivery: { timeoutMs: 60_000, stopTimeoutMs: 30 } });
    source.next(snapshot(0, latency('lat', [{}, 500])));
    source.next(snapshot(1000, latency('lat', [{}, 50])));
    source.next(snapshot(2000, latency('lat', [{}, 500])));
    const started = Date.now();
    await telemetry.shutdown();
    expect(Date.now() - started).to.be.below(1000);
    expect(signal?.aborted).to.equal(true);
    // In flight: the first firing; waiting: its resolution, the second firing, and stop()'s resolution.
    expect(seen.map((f) => `${String(f.metadata.reason)}:${String(f.metadata.status)}`)).to.deep.equal([
      'abandoned:resolved',
      'abandoned:firing',
      'abandoned:resolved',
      'abandoned:firing',
    ]);
    expect(alerts.deliveryStats().hung).to.deep.equal({ delivered: 0, failed: 4, queued: 0 });
  });

  it('gives handlers that share a name distinct names in stats', async () => {
    const same = (): AlertHandler => Object.assign(() => undefined, { handlerName: 'webhook(https://hooks.example.com/…)' });
    const { alerts, flip } = setup([same(), same()]);
    flip();
    await alerts.flush();
    expect(alerts.deliveryStats()).to.deep.equal({
      'webhook(https://hooks.example.com/…)': { delivered: 1, failed: 0, queued: 0 },
      'webhook(https://hooks.example.com/…)#2': { delivered: 1, failed: 0, queued: 0 },
    });
  });
});
