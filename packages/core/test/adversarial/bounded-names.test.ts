// Issue 14, items 3, 5, 16: names are validated on every path, bounded, and retain nothing.
import { expect } from 'chai';
import { MAX_NAME_CHARACTERS, MAX_NAME_SEGMENTS, Telemetry } from '../../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run mocha with --expose-gc (.mocharc.json node-option)');
  gc();
  return process.memoryUsage().heapUsed;
}

describe('adversarial: event names', () => {
  it('skips and counts an emit of a name with 20,000 segments while a stream exists, in linear time', () => {
    const t = new Telemetry();
    t.events([]).subscribe(() => undefined);
    const name = Array.from({ length: 20_000 }, (_, i) => `s${i}`);
    const t0 = performance.now();
    t.emit(name, {});
    expect([t.invalidNames, performance.now() - t0 < 200]).to.deep.equal([1, true]);
  });

  it(`rejects a name over ${MAX_NAME_SEGMENTS} segments at attach`, () => {
    const t = new Telemetry();
    const long = Array.from({ length: MAX_NAME_SEGMENTS + 1 }, () => 'x');
    expect(() => t.attach('h', long, () => undefined)).to.throw(TypeError, /at most/);
  });

  it(`rejects a name over ${MAX_NAME_CHARACTERS} characters at attach`, () => {
    const t = new Telemetry();
    expect(() => t.attach('h', ['x'.repeat(MAX_NAME_CHARACTERS + 1)], () => undefined)).to.throw(TypeError, /characters/);
  });

  it("does not deliver emit('ab') (a string) to the ['a','b'] handler", () => {
    const t = new Telemetry();
    const seen = recordEvents(t, [['a', 'b']]);
    t.emit('ab' as unknown as string[], {});
    expect([seen.length, t.invalidNames]).to.deep.equal([0, 1]);
  });

  const invalid: Array<[string, unknown]> = [
    ['null', null],
    ['undefined', undefined],
    ['an empty array', []],
    ['a number segment', ['a', 1]],
    ['an empty segment', ['a', '']],
  ];
  for (const [label, name] of invalid) {
    it(`skips and counts an emit of ${label} without throwing`, () => {
      const t = new Telemetry();
      t.events([]).subscribe(() => undefined);
      expect(() => t.emit(name as string[], {})).not.to.throw();
      expect(t.invalidNames).to.equal(1);
    });
  }

  it('reports skipped names as one telemetry.bus.invalid_name event with the count', () => {
    const t = new Telemetry();
    const seen = recordEvents(t, [['telemetry', 'bus', 'invalid_name']]);
    t.emit(null as unknown as string[], {});
    t.emit(null as unknown as string[], {});
    expect(seen.map((e) => e.measurements.count)).to.deep.equal([1]);
  });

  it('keeps no trie node for names nobody listens to, with a stream attached (heap flat over 100,000 names)', () => {
    const t = new Telemetry();
    t.events(['other']).subscribe(() => undefined);
    for (let i = 0; i < 10_000; i++) t.emit(['warm', String(i)], {});
    const before = heapAfterGc();
    for (let i = 0; i < 100_000; i++) t.emit(['unknown', String(i)], {});
    const grown = heapAfterGc() - before;
    // The bus must stay reachable until after the measurement, or the GC takes it whole.
    expect([grown < 2_000_000, t.invalidNames]).to.deep.equal([true, 0]);
  });

  it('releases the nodes of names whose handlers were detached (heap flat over 50,000 attach/detach)', () => {
    const t = new Telemetry();
    const cycle = (from: number, n: number): void => {
      for (let i = from; i < from + n; i++) {
        t.attach(`h${i}`, ['unique', String(i), 'stop'], () => undefined);
        t.detach(`h${i}`);
      }
    };
    cycle(0, 5_000);
    const before = heapAfterGc();
    cycle(5_000, 50_000);
    const grown = heapAfterGc() - before;
    expect([grown < 2_000_000, t.listHandlers().length]).to.deep.equal([true, 0]);
  });

  it('still delivers names nobody attached to to matching streams', () => {
    const t = new Telemetry();
    const got: string[] = [];
    t.events(['dyn', '*']).subscribe((e) => got.push(e.name.join('.')));
    t.emit(['dyn', 'a'], {});
    t.emit(['dyn', 'b', 'c'], {});
    t.emit(['other'], {});
    expect(got).to.deep.equal(['dyn.a', 'dyn.b.c']);
  });
});
