import { expect } from 'chai';
import { Subject } from 'rxjs';
import { Telemetry, type CheckResult } from '@rx-telemetry/core';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts, type AlertHandler, type AlertRule } from '../src/index.js';
import { latency, snapshot } from './snapshots.js';

function setup(severity: AlertRule['severity'], handlers: AlertHandler[] = []) {
  const telemetry = new Telemetry();
  const source = new Subject<MetricsSnapshot>();
  const alerts = new Alerts(telemetry, { source, rules: [{ name: 'Down', severity, metric: 'm', stat: 'p99', op: '>', threshold: 1 }], handlers });
  const check = async (name: string): Promise<CheckResult> => {
    const fn = telemetry.healthChecks().get(name);
    if (fn === undefined) throw new Error(`no check ${name}`);
    return (await fn(new AbortController().signal)) as CheckResult;
  };
  return { telemetry, source, alerts, check };
}

describe('the health checks Alerts registers on the bus', () => {
  it('"alerts" is critical while a critical alert fires and healthy once it resolves', async () => {
    const { source, check } = setup('critical');
    expect(await check('alerts')).to.deep.equal({ status: 'healthy', detail: 'no critical or warning alerts firing', value: 0 });
    source.next(snapshot(0, latency('m', [{ host: 'a' }, 5])));
    expect(await check('alerts')).to.deep.equal({ status: 'critical', detail: '1 critical alert(s) firing: Down', value: 1 });
    source.next(snapshot(1000, latency('m', [{ host: 'a' }, 0])));
    expect((await check('alerts')).status).to.equal('healthy');
  });

  it('"alerts" is degraded while a warning fires; an info alert is no degradation', async () => {
    const warning = setup('warning');
    warning.source.next(snapshot(0, latency('m', [{}, 5])));
    expect((await warning.check('alerts')).status).to.equal('degraded');
    const info = setup('info');
    info.source.next(snapshot(0, latency('m', [{}, 5])));
    expect((await info.check('alerts')).status).to.equal('healthy');
  });

  it('"alerts.delivery" is degraded while a handler\'s latest delivery failed, healthy after its next success', async () => {
    let fail = true;
    const flaky: AlertHandler = Object.assign(() => (fail ? Promise.reject(new Error('receiver down')) : undefined), { handlerName: 'flaky' });
    const { source, alerts, check } = setup('info', [flaky]);
    source.next(snapshot(0, latency('m', [{}, 5])));
    await alerts.flush();
    expect(await check('alerts.delivery')).to.deep.equal({ status: 'degraded', detail: 'latest delivery failed: flaky (1 failed)', value: 1 });
    fail = false;
    source.next(snapshot(1000, latency('m', [{}, 0])));
    await alerts.flush();
    expect((await check('alerts.delivery')).status).to.equal('healthy');
  });

  it('stop() removes both checks', async () => {
    const { telemetry, alerts } = setup('critical');
    expect([...telemetry.healthChecks().keys()]).to.deep.equal(['alerts', 'alerts.delivery']);
    await alerts.stop();
    expect(telemetry.healthChecks().size).to.equal(0);
  });

  it('a second Alerts on one bus needs its own name (its checks are named after it)', () => {
    const { telemetry, source } = setup('critical');
    const rules: AlertRule[] = [{ name: 'Other', severity: 'warning', metric: 'm', stat: 'p99', op: '>', threshold: 1 }];
    expect(() => new Alerts(telemetry, { source, rules })).to.throw(TypeError, /"alerts" is already registered/);
    new Alerts(telemetry, { source, rules, name: 'billing-alerts' });
    expect([...telemetry.healthChecks().keys()]).to.deep.equal(['alerts', 'alerts.delivery', 'billing-alerts', 'billing-alerts.delivery']);
  });
});
