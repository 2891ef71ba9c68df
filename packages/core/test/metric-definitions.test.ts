import { expect } from 'chai';
import fc from 'fast-check';
import { compileMetric, counter, distribution, lastValue, sum, summary, tagString, type MetricDefinition } from '../src/index.js';

const r = compileMetric;

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
    expect(r(sum('a.b.size')).value({ size: 7 }, {})).to.equal(7);
  });

  it('extract a measurement with a function of measurements and metadata', () => {
    const d = sum('a.b.x', { measurement: (m, md) => m.n * (md.factor as number) });
    expect(r(d).value({ n: 3 }, { factor: 2 })).to.equal(6);
  });

  it('count 1 per event for counters, whatever the measurements', () => {
    expect(r(counter('a.b.count')).value({}, {})).to.equal(1);
  });

  it('yield undefined for a missing or non-finite measurement', () => {
    const d = summary('a.b.duration');
    expect([r(d).value({}, {}), r(d).value({ duration: NaN }, {}), r(d).value({ duration: Infinity }, {})]).to.deep.equal([undefined, undefined, undefined]);
  });

  it('convert nanoseconds to milliseconds', () => {
    const d = distribution('a.stop.duration', { unit: { from: 'nanosecond', to: 'millisecond' } });
    expect([r(d).value({ duration: 2_500_000 }, {}), d.unit]).to.deep.equal([2.5, 'millisecond']);
  });

  it('convert down to the nearest decimal (1000123 ns is exactly 1.000123 ms)', () => {
    expect(r(summary('a.b.t', { unit: { from: 'nanosecond', to: 'millisecond' } })).value({ t: 1_000_123 }, {})).to.equal(1.000123);
  });

  it('convert bytes to megabytes (SI)', () => {
    expect(r(sum('a.b.bytes', { unit: { from: 'byte', to: 'megabyte' } })).value({ bytes: 3_000_000 }, {})).to.equal(3);
  });

  it('convert seconds to microseconds', () => {
    expect(r(summary('a.b.t', { unit: { from: 'second', to: 'microsecond' } })).value({ t: 0.5 }, {})).to.equal(500_000);
  });

  it('round-trip any unit conversion within a family', () => {
    const time = ['nanosecond', 'microsecond', 'millisecond', 'second'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...time), fc.constantFrom(...time), fc.double({ min: 0, max: 1e9, noNaN: true }), (from, to, v) => {
        const there = r(summary('a.b.t', { unit: { from, to } })).value({ t: v }, {}) as number;
        const back = r(summary('a.b.t', { unit: { from: to, to: from } })).value({ t: there }, {}) as number;
        return Math.abs(back - v) <= Math.abs(v) * 1e-12 + 1e-12;
      }),
    );
  });

  it('read tag values from metadata as strings, in tag order', () => {
    expect(r(counter('a.b', { tags: ['kernel', 'n'] })).tagValues({ n: 3, kernel: 'add' })).to.deep.equal(['add', '3']);
  });

  it('yield undefined tag values when a tag is missing', () => {
    expect(r(counter('a.b', { tags: ['kernel'] })).tagValues({})).to.equal(undefined);
  });

  it('apply tagValues before reading tags', () => {
    const d = counter('a.b', { tags: ['family'], tagValues: (md) => ({ ...md, family: String(md.kernel).split('_')[0] }) });
    expect(r(d).tagValues({ kernel: 'matmul_tiled' })).to.deep.equal(['matmul']);
  });

  it('read value and tags as an object together', () => {
    const d = distribution('a.stop.duration', { tags: ['k'], unit: { from: 'nanosecond', to: 'microsecond' } });
    expect([r(d).value({ duration: 1500 }, {}), r(d).tagObject({ k: 'x' })]).to.deep.equal([1.5, { k: 'x' }]);
  });

  it('turn tag values into strings by one rule (null and undefined are missing)', () => {
    expect([tagString('a'), tagString(3), tagString(false), tagString(null), tagString(undefined)]).to.deep.equal(['a', '3', 'false', undefined, undefined]);
  });

  it('read tags from what tagValues returned (tagSource)', () => {
    const d = counter('a.b', { tags: ['x'], tagValues: () => ({ x: 'y' }) });
    expect(r(d).tagSource({ x: 'z' })).to.deep.equal({ x: 'y' });
  });

  it('reject a tag named __proto__ (it would vanish as a prototype)', () => {
    expect(() => counter('a.b', { tags: ['__proto__'] })).to.throw(TypeError, /__proto__/);
  });

  it('keep only events the keep predicate accepts', () => {
    const d = counter('a.b', { keep: (md) => md.status === 'ok' });
    expect([r(d).accepts({}, { status: 'ok' }), r(d).accepts({}, { status: 'err' })]).to.deep.equal([true, false]);
  });

  it('drop events the drop predicate matches', () => {
    const d = counter('a.b', { drop: (_md, m) => m.size === 0 });
    expect([r(d).accepts({ size: 0 }, {}), r(d).accepts({ size: 1 }, {})]).to.deep.equal([false, true]);
  });

  it('keep description and reporterOptions', () => {
    const d = distribution('a.b', { description: 'latency', reporterOptions: { buckets: [1, 2] } });
    expect([d.description, d.reporterOptions]).to.deep.equal(['latency', { buckets: [1, 2] }]);
  });

  it('expose only data (evaluation goes through a reader)', () => {
    expect(Object.keys(counter('a.b', { tags: ['x'] })).sort()).to.deep.equal(['description', 'eventName', 'measurement', 'name', 'reporterOptions', 'tags', 'type', 'unit']);
  });

  it('tell the first missing measurement key once, not for every event', () => {
    const missing: string[] = [];
    const reader = compileMetric(sum('a.b.size'), (rd, m) => missing.push(`${rd.definition.name}:${Object.keys(m).join(',')}`));
    reader.value({ other: 1 }, {});
    reader.value({ other: 2 }, {});
    expect(missing).to.deep.equal(['a.b.size:other']);
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

