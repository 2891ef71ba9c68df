import { expect } from 'chai';
import fc from 'fast-check';
import { TagIndex } from '../src/tag-index.js';

// The levels are reordered (fewest distinct values first) as series are added: every lookup must
// give the same ids before and after, through find(), get() and delete().
describe('TagIndex', () => {
  const MISS = -1;

  it('finds every series after its levels were reordered (the second tag has fewer values)', () => {
    const index = new TagIndex(['route', 'status'], () => MISS);
    const before = index.find;
    for (let i = 0; i < 400; i++) index.set([`/r${i >> 1}`, String(200 + (i & 1))], i);
    expect(index.find).to.not.equal(before);
    for (let i = 0; i < 400; i++) {
      expect(index.find({ route: `/r${i >> 1}`, status: 200 + (i & 1) })).to.equal(i);
      expect(index.get([`/r${i >> 1}`, String(200 + (i & 1))])).to.equal(i);
    }
    expect(index.find({ route: '/r0', status: '404' })).to.equal(MISS);
    expect(index.find({ route: '/nope', status: '200' })).to.equal(MISS);
  });

  it('keeps the tag order when no tag has clearly fewer values', () => {
    const index = new TagIndex(['a', 'b'], () => MISS);
    const before = index.find;
    for (let i = 0; i < 256; i++) index.set([String(i & 15), String(((i >> 4) + i) & 15)], i);
    expect(index.find).to.equal(before);
  });

  it('agrees with a Map of joined values through any sequence of set and delete (3 tags)', () => {
    const op = fc.record({ del: fc.boolean(), a: fc.integer({ min: 0, max: 40 }), b: fc.integer({ min: 0, max: 3 }), c: fc.integer({ min: 0, max: 1 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
        const index = new TagIndex(['a', 'b', 'c'], () => MISS);
        const model = new Map<string, number>();
        let next = 0;
        for (const { del, a, b, c } of ops) {
          const values = [`a${a}`, `b${b}`, `c${c}`];
          const key = values.join('|');
          if (del) {
            index.delete(values);
            model.delete(key);
          } else if (!model.has(key)) {
            index.set(values, next);
            model.set(key, next++);
          }
        }
        for (let a = 0; a <= 40; a++)
          for (let b = 0; b <= 3; b++)
            for (let c = 0; c <= 1; c++) {
              const want = model.get(`a${a}|b${b}|c${c}`);
              expect(index.get([`a${a}`, `b${b}`, `c${c}`])).to.equal(want);
              expect(index.find({ a: `a${a}`, b: `b${b}`, c: `c${c}` })).to.equal(want ?? MISS);
            }
      }),
      { numRuns: 30 },
    );
  });
});
