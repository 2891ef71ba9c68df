import { expect } from 'chai';
import { Subject } from 'rxjs';
import { Telemetry } from '@rx-telemetry/core';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts, alertmanagerHandler, webhookHandler, type AlertRule } from '../src/index.js';

function make(rules: unknown[], extra: Record<string, unknown> = {}): Alerts {
  return new Alerts(new Telemetry(), { source: new Subject<MetricsSnapshot>(), rules: rules as AlertRule[], ...extra });
}

describe('input validation', () => {
  const ok = { name: 'R', severity: 'warning', metric: 'm', stat: 'p99', op: '>', threshold: 1 };

  it('rejects a rule with an unknown stat, naming the rule and the stat', () => {
    expect(() => make([{ ...ok, stat: 'p42' }])).to.throw(TypeError, /invalid rule "R": stat must be one of .*got p42/);
  });

  it('rejects a rule that mixes kinds or has none', () => {
    expect(() => make([{ ...ok, ratio: { numerator: 'a', denominator: 'b' } }])).to.throw(TypeError, /exactly one of metric/);
    expect(() => make([{ name: 'R', severity: 'info', op: '>', threshold: 1 }])).to.throw(TypeError, /exactly one of metric/);
  });

  it('rejects unknown options, a bad severity, a non-finite threshold and duplicate names', () => {
    expect(() => make([{ ...ok, thresold: 2 }])).to.throw(TypeError, /unknown option "thresold"/);
    expect(() => make([{ ...ok, severity: 'page' }])).to.throw(TypeError, /severity must be one of/);
    expect(() => make([{ ...ok, threshold: Number.NaN }])).to.throw(TypeError, /threshold must be a finite number/);
    expect(() => make([ok, ok])).to.throw(TypeError, /duplicate name/);
  });

  it('rejects an anomaly factor of 1 and a non-positive baseline window', () => {
    const anomaly = { name: 'A', severity: 'info', anomaly: { metric: 'm', stat: 'mean', baselineWindowMs: 1000, factor: 1 } };
    expect(() => make([anomaly])).to.throw(TypeError, /factor must be a finite number > 0 other than 1/);
    expect(() => make([{ ...anomaly, anomaly: { ...anomaly.anomaly, factor: 2, baselineWindowMs: 0 } }])).to.throw(TypeError, /baselineWindowMs/);
  });

  it('rejects a source that is not an Observable and non-function handlers', () => {
    expect(() => new Alerts(new Telemetry(), { source: {} as never, rules: [] })).to.throw(TypeError, /source must be an Observable/);
    expect(() => make([], { handlers: ['nope'] })).to.throw(TypeError, /handlers\[0\] must be a function/);
  });

  it('rejects bad handler headers, a fractional retry count and a bad generatorURL when the handler is made, not at delivery', () => {
    const url = 'http://127.0.0.1:9';
    expect(() => webhookHandler({ url, headers: { 'x-n': 1 as unknown as string } })).to.throw(TypeError, /webhookHandler: headers.x-n must be a string/);
    expect(() => webhookHandler({ url, headers: { 'bad header': 'v' } })).to.throw(TypeError, /"bad header" is not a valid header name/);
    expect(() => webhookHandler({ url, headers: { 'x-a': 'v\r\nInjected: 1' } })).to.throw(TypeError, /must not contain CR, LF or NUL/);
    expect(() => webhookHandler({ url, retries: 1.5 })).to.throw(TypeError, /webhookHandler: retries must be an integer >= 0, got 1.5/);
    expect(() => alertmanagerHandler({ url, headers: [] as unknown as Record<string, string> })).to.throw(TypeError, /alertmanagerHandler: headers must be an object of strings/);
    expect(() => alertmanagerHandler({ url, generatorURL: 'not a url' })).to.throw(TypeError, /generatorURL/);
  });

  it('rejects a webhook URL that does not parse without echoing its password', () => {
    let message = '';
    try {
      webhookHandler({ url: 'http://bot:hunter2@exa mple.com/x' });
    } catch (error) {
      message = (error as Error).message;
      expect(error).to.be.instanceOf(TypeError);
    }
    expect(message).to.match(/invalid url/);
    expect(message).to.not.include('hunter2');
  });
});
