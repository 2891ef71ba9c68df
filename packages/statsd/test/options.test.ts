import { counter, sum, Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { StatsdReporter } from '../src/index.js';

describe('StatsdReporter options', () => {
  const bus = new Telemetry();
  const metrics = [counter('app.request.count')];

  it('rejects a missing metrics array with a TypeError naming it', () => {
    expect(() => new StatsdReporter(bus, {} as never)).to.throw(TypeError, /options\.metrics must be an array/);
  });

  it('rejects something that is not a metric definition, naming its index', () => {
    expect(() => new StatsdReporter(bus, { metrics: [{ name: 'x' }] as never })).to.throw(TypeError, /metrics\[0\] is not a metric definition/);
  });

  it('rejects a reporter sample rate outside (0, 1]', () => {
    for (const sampleRate of [0, -0.5, 1.5, Number.NaN]) {
      expect(() => new StatsdReporter(bus, { metrics, sampleRate })).to.throw(TypeError, /options\.sampleRate must be a number in \(0, 1\]/);
    }
  });

  it('rejects a per-metric sample rate outside (0, 1], naming the metric', () => {
    const bad = counter('app.request.count', { reporterOptions: { sampleRate: 2 } });
    expect(() => new StatsdReporter(bus, { metrics: [bad] })).to.throw(TypeError, /metric "app\.request\.count": reporterOptions\.sampleRate/);
  });

  it('rejects reportAs on anything but a sum', () => {
    const bad = counter('app.request.count', { reporterOptions: { reportAs: 'gauge' } });
    expect(() => new StatsdReporter(bus, { metrics: [bad] })).to.throw(TypeError, /reportAs applies to sum metrics only/);
    expect(() => new StatsdReporter(bus, { metrics: [sum('app.request.bytes', { reporterOptions: { reportAs: 'meter' } })] })).to.throw(
      TypeError,
      /reportAs must be 'counter' or 'gauge'/,
    );
  });

  it('rejects an unknown formatter, protocol or port', () => {
    expect(() => new StatsdReporter(bus, { metrics, formatter: 'graphite' as never })).to.throw(TypeError, /options\.formatter must be one of/);
    expect(() => new StatsdReporter(bus, { metrics, protocol: 'http' as never })).to.throw(TypeError, /options\.protocol must be/);
    expect(() => new StatsdReporter(bus, { metrics, port: 70000 })).to.throw(TypeError, /options\.port must be an integer/);
  });

  it('rejects a non-string global tag value, naming the tag', () => {
    expect(() => new StatsdReporter(bus, { metrics, globalTags: { env: 3 as never } })).to.throw(TypeError, /options\.globalTags\.env must be a string/);
  });

  it('attaches nothing when construction fails', () => {
    const fresh = new Telemetry();
    expect(() => new StatsdReporter(fresh, { metrics, maxBufferSize: -1 })).to.throw(TypeError, /maxBufferSize/);
    expect(fresh.listHandlers()).to.deep.equal([]);
  });

  it('rejects aggregation options that are not a boolean or positive integers, naming them', () => {
    expect(() => new StatsdReporter(bus, { metrics, aggregation: 'yes' as never })).to.throw(TypeError, /options\.aggregation must be a boolean or/);
    expect(() => new StatsdReporter(bus, { metrics, aggregation: { flushIntervalMs: 0 } })).to.throw(TypeError, /options\.aggregation\.flushIntervalMs must be a positive integer/);
    expect(() => new StatsdReporter(bus, { metrics, aggregation: { maxContexts: 1.5 } })).to.throw(TypeError, /options\.aggregation\.maxContexts must be a positive integer/);
  });

  it('rejects timestamps that is not a boolean', () => {
    expect(() => new StatsdReporter(bus, { metrics, formatter: 'datadog', timestamps: 1 as never })).to.throw(TypeError, /options\.timestamps must be a boolean/);
  });
});
