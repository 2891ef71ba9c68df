import { compileMetric, counter, distribution, sum, type Measurements, type Metadata, type MetricDefinition } from '@rx-telemetry/core';
import { expect } from 'chai';
import fc from 'fast-check';

// The record paths are made per metric (record-path.ts) from the reader's specialised functions:
// those must give what the reader's methods give, for every rule a definition can carry.
const NS_TO_MS = { from: 'nanosecond', to: 'millisecond' } as const;
const DEFINITIONS: readonly MetricDefinition[] = [
  distribution('a.b.duration', { tags: ['route'], unit: NS_TO_MS }),
  distribution('a.b.duration', { unit: { from: 'millisecond', to: 'second' } }),
  distribution('a.b.size', { unit: { from: 'kilobyte', to: 'byte' } }),
  distribution('a.b.ms', { unit: { from: 'second', to: 'millisecond' } }),
  sum('a.b.bytes', { measurement: (m, md) => (m.bytes ?? 0) * (md.retry === true ? 2 : 1) }),
  sum('a.b.bytes', { keep: (md) => md.route === '/x' }),
  sum('a.b.bytes', { drop: (md, m) => m.bytes === 3 }),
  counter('a.b.count', { tags: ['route'], tagValues: (md) => ({ route: String(md.route).toUpperCase() }) }),
  counter('a.b.count', { measurement: 'weird key' }),
];

const measurements = fc.record({
  duration: fc.oneof(fc.double(), fc.integer(), fc.constant(undefined)),
  bytes: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: 0, max: 1e6 })),
  size: fc.oneof(fc.double({ min: 0, max: 1e9 }), fc.constant(Infinity)),
  ms: fc.double({ noNaN: true }),
  'weird key': fc.integer(),
});
const metadata = fc.record({ route: fc.constantFrom('/x', '/y', 1, undefined), retry: fc.boolean() });

describe('MetricReader.specialised() (what the record paths call)', () => {
  for (const def of DEFINITIONS) {
    it(`gives what accepts, value and tagSource give: ${def.type} ${def.name} (${def.unit ?? 'no unit'})`, () => {
      const reader = compileMetric(def);
      const s = reader.specialised();
      fc.assert(
        fc.property(measurements, metadata, (m, md) => {
          const mm = m as unknown as Measurements;
          const mdd = md as unknown as Metadata;
          expect(s.accepts === undefined ? true : s.accepts(mm, mdd)).to.equal(reader.accepts(mm, mdd));
          expect(Object.is(s.value(mm, mdd), reader.value(mm, mdd))).to.equal(true);
          expect(s.tagSource === undefined ? mdd : s.tagSource(mdd)).to.deep.equal(reader.tagSource(mdd));
        }),
      );
    });
  }

  it('reports a missing measurement key once, whichever of value() and the specialised value() meets it first', () => {
    const missed: string[] = [];
    const reader = compileMetric(distribution('a.b.duration'), (r) => missed.push(r.definition.name));
    expect(reader.specialised().value({}, {})).to.equal(undefined);
    expect(reader.value({}, {})).to.equal(undefined);
    expect(reader.specialised().value({}, {})).to.equal(undefined);
    expect(missed).to.deep.equal(['a.b.duration']);
  });
});
