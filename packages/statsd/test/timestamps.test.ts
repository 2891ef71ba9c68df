import { counter, distribution, lastValue, Telemetry } from '@rx-telemetry/core';
import { startStatsd, type StatsdPeer } from '@rx-telemetry/devkit/statsd';
import { expect } from 'chai';
import { StatsdReporter } from '../src/index.js';
import { captureUdp } from './udp-capture.js';

describe('StatsdReporter DogStatsD timestamps', () => {
  it('gives gauges |T<unix seconds> of the moment they were recorded, and counts and distributions none', async () => {
    const capture = await captureUdp();
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, {
      metrics: [lastValue('ts.pool.size', { tags: ['pool'] }), counter('ts.pool.count', { eventName: ['ts', 'pool'] }), distribution('ts.pool.wait', { eventName: ['ts', 'pool'] })],
      port: capture.port,
      formatter: 'datadog',
      timestamps: true,
    });
    const before = Math.floor(Date.now() / 1000);
    bus.emit(['ts', 'pool'], { size: 7, wait: 3 }, { pool: 'db' });
    const after = Math.floor(Date.now() / 1000);
    await reporter.stop();
    const lines = await capture.waitForLines(3);
    await capture.close();
    const gauge = lines.find((l) => l.startsWith('ts.pool.size:')) ?? '';
    const match = /^ts\.pool\.size:7\|g\|T(\d+)\|#pool:db$/.exec(gauge);
    expect(match, gauge).to.not.equal(null);
    expect(Number(match?.[1])).to.be.within(before, after);
    expect(lines.filter((l) => !l.startsWith('ts.pool.size:')).sort()).to.deep.equal(['ts.pool.count:1|c', 'ts.pool.wait:3|d']);
  });

  it('is a TypeError with a formatter other than datadog', () => {
    for (const formatter of ['standard', 'telegraf'] as const) {
      expect(() => new StatsdReporter(new Telemetry(), { metrics: [lastValue('a.b')], formatter, timestamps: true })).to.throw(TypeError, /options\.timestamps needs formatter 'datadog'/);
    }
  });

  describe('against Etsy StatsD', () => {
    let statsd: StatsdPeer;
    before(async () => {
      statsd = await startStatsd();
    });
    after(async () => {
      await statsd?.stop();
    });

    // What docs/reporters/statsd.md says: only the Datadog Agent (6.40 / 7.40+) reads |T;
    // Etsy's daemon rejects the line.
    it('is rejected by the Etsy daemon as a bad line, the gauge not recorded', async () => {
      const bus = new Telemetry();
      const reporter = new StatsdReporter(bus, { metrics: [lastValue('etsy.ts.size'), counter('etsy.ts.count', { eventName: ['etsy', 'ts'] })], port: statsd.port, formatter: 'datadog', timestamps: true });
      bus.emit(['etsy', 'ts'], { size: 5 });
      await reporter.stop();
      const counters = await statsd.waitFor(() => statsd.counters(), (c) => c['etsy.ts.count'] === 1 && c['statsd.bad_lines_seen'] === 1);
      expect(counters['statsd.bad_lines_seen']).to.equal(1);
      expect((await statsd.gauges())['etsy.ts.size']).to.equal(undefined);
    });
  });
});
