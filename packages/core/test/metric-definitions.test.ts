import { expect } from 'chai';
import fc from 'fast-check';
import { counter, distribution, lastValue, sum, summary, type MetricDefinition } from '../src/index.js';

describe('metric definitions', () => {
  it('split a dotted name into event name and measurement', () => {
    const d = distribution('compute.kernel.dispatch.stop.duration');
    expect([d.eventName, d.measurement, d.type]).to.deep.equal([['compute', 'kernel', 'dispatch', 'stop'], 'duration', 'distribution']);
  });

  it('report their type', () => {
    const types = [counter('a.b'), sum('a.b'), lastValue('a.b'), summary('a.b'), distribution('a.b')].map((d) => d.type);
    expect(types).to.deep.equal(['counter', 'sum', 'lastValue', 'summary', 'distribution']);
  });

  it('take eventName and measurement from options over the name', () => {
    const d = sum('bytes.moved', { eventName: ['compute', 'memory', 'transfer', 'stop'], measurement: 'bytes' });
    expect([d.eventName, d.measurement]).to.deep.equal([['compute', 'memory', 'transfer', 'stop'], 'bytes']);
  });

  it('extract a measurement by key', () => {
    expect(sum('a.b.size').valueOf({ size: 7 }, {})).to.equal(7);
  });

  it('extract a measurement with a function of measurements and metadata', () => {
    const d = sum('a.b.x', { measurement: (m, md) => m.n * (md.factor as number) });
    expect(d.valueOf({ n: 3 }, { factor: 2 })).to.equal(6);
  });

  it('count 1 per event for counters, whatever the measurements', () => {
    expect(counter('a.b.count').valueOf({}, {})).to.equal(1);
  });

  it('yield undefined for a missing or non-finite measurement', () => {
    const d = summary('a.b.duration');
    expect([d.valueOf({}, {}), d.valueOf({ duration: NaN }, {}), d.valueOf({ duration: Infinity }, {})]).to.deep.equal([undefined, undefined, undefined]);
  });

  it('convert nanoseconds to milliseconds', () => {
    const d = distribution('a.stop.duration', { unit: { from: 'nanosecond', to: 'millisecond' } });
    expect([d.valueOf({ duration: 2_500_000 }, {}), d.unit]).to.deep.equal([2.5, 'millisecond']);
  });

  it('convert down to the nearest decimal (1000123 ns is exactly 1.000123 ms)', () => {
    expect(summary('a.b.t', { unit: { from: 'nanosecond', to: 'millisecond' } }).valueOf({ t: 1_000_123 }, {})).to.equal(1.000123);
  });

  it('convert bytes to megabytes (SI)', () => {
    expect(sum('a.b.bytes', { unit: { from: 'byte', to: 'megabyte' } }).valueOf({ bytes: 3_000_000 }, {})).to.equal(3);
  });

  it('convert seconds to microseconds', () => {
    expect(summary('a.b.t', { unit: { from: 'second', to: 'microsecond' } }).valueOf({ t: 0.5 }, {})).to.equal(500_000);
  });

  it('round-trip any unit conversion within a family', () => {
    const time = ['nanosecond', 'microsecond', 'millisecond', 'second'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...time), fc.constantFrom(...time), fc.double({ min: 0, max: 1e9, noNaN: true }), (from, to, v) => {
        const there = summary('a.b.t', { unit: { from, to } }).valueOf({ t: v }, {}) as number;
        const back = summary('a.b.t', { unit: { from: to, to: from } }).valueOf({ t: there }, {}) as number;
        return Math.abs(back - v) <= Math.abs(v) * 1e-12 + 1e-12;
      }),
    );
  });

  it('read tag values from metadata as strings, in tag order', () => {
    expect(counter('a.b', { tags: ['kernel', 'n'] }).tagValuesOf({ n: 3, kernel: 'add' })).to.deep.equal(['add', '3']);
  });

  it('yield undefined tag values when a tag is missing', () => {
    expect(counter('a.b', { tags: ['kernel'] }).tagValuesOf({})).to.equal(undefined);
  });

  it('apply tagValues before reading tags', () => {
    const d = counter('a.b', { tags: ['family'], tagValues: (md) => ({ ...md, family: String(md.kernel).split('_')[0] }) });
    expect(d.tagValuesOf({ kernel: 'matmul_tiled' })).to.deep.equal(['matmul']);
  });

  it('extract value and tags together', () => {
    const d = distribution('a.stop.duration', { tags: ['k'], unit: { from: 'nanosecond', to: 'microsecond' } });
    expect(d.extract({ duration: 1500 }, { k: 'x' })).to.deep.equal({ value: 1.5, tags: { k: 'x' } });
  });

  it('keep only events the keep predicate accepts', () => {
    const d = counter('a.b', { keep: (md) => md.status === 'ok' });
    expect([d.accepts({}, { status: 'ok' }), d.accepts({}, { status: 'err' }), d.extract({}, { status: 'err' })]).to.deep.equal([true, false, undefined]);
  });

  it('drop events the drop predicate matches', () => {
    const d = counter('a.b', { drop: (_md, m) => m.size === 0 });
    expect([d.accepts({ size: 0 }, {}), d.accepts({ size: 1 }, {})]).to.deep.equal([false, true]);
  });

  it('keep description and reporterOptions', () => {
    const d = distribution('a.b', { description: 'latency', reporterOptions: { buckets: [1, 2] } });
    expect([d.description, d.reporterOptions]).to.deep.equal(['latency', { buckets: [1, 2] }]);
  });

  it('tell whether a keep/drop filter or tagValues was given', () => {
    const plain = counter('a.b', { tags: ['x'] });
    const custom = counter('a.b', { drop: () => false, tagValues: (md) => md });
    expect([plain.filtered, plain.hasTagValues, custom.filtered, custom.hasTagValues]).to.deep.equal([false, false, true, true]);
  });

  it('are frozen', () => {
    const d: MetricDefinition = counter('a.b', { tags: ['x'] });
    expect([Object.isFrozen(d), Object.isFrozen(d.tags), Object.isFrozen(d.eventName)]).to.deep.equal([true, true, true]);
  });
});

describe('invalid metric definitions', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['an empty name', () => counter(''), /non-empty string/],
    ['a name with an empty segment', () => sum('a..b'), /empty segment/],
    ['a one-segment name without eventName', () => sum('latency'), /needs an event and a measurement/],
    ['keep together with drop', () => counter('a.b', { keep: () => true, drop: () => false }), /mutually exclusive/],
    ['an unknown unit', () => summary('a.b', { unit: 'hour' as 'second' }), /unknown unit "hour"/],
    ['a conversion across families', () => summary('a.b', { unit: { from: 'byte', to: 'second' } }), /cannot convert byte to second/],
    ['non-string tags', () => counter('a.b', { tags: [1 as unknown as string] }), /tags must be an array/],
    ['repeated tags', () => counter('a.b', { tags: ['x', 'x'] }), /must not repeat/],
    ['an invalid eventName', () => counter('a.b', { eventName: [] }), /eventName/],
    ['a non-function measurement', () => sum('a.b', { measurement: 3 as unknown as string }), /measurement/],
    ['an unknown option', () => counter('a.b', { tag: ['x'] } as never), /unknown option "tag"/],
    ['a non-object reporterOptions', () => counter('a.b', { reporterOptions: [] as never }), /reporterOptions/],
  ];
  for (const [label, make, message] of cases) {
    it(`throw a TypeError naming the problem for ${label}`, () => {
      expect(make).to.throw(TypeError, message);
    });
  }

  it('name the metric in the message', () => {
    expect(() => summary('my.metric', { unit: 'hour' as 'second' })).to.throw(/summary\("my.metric"\)/);
  });
});

describe('exactDivisor', () => {
  it('gives the integer n for a factor of exactly 1/n, and 0 otherwise', async () => {
    const { exactDivisor } = await import('../src/index.js');
    expect([exactDivisor(1e-6), exactDivisor(1e-3), exactDivisor(1), exactDivisor(1e3), exactDivisor(0.4)]).to.deep.equal([1e6, 1e3, 0, 0, 0]);
  });
});
