import { expect } from 'chai';
import fc from 'fast-check';
import type { Span } from '@opentelemetry/api';
import { OpenSpans } from '../src/open-spans.js';

const fakeSpan = (id: number) => ({ id }) as unknown as Span;
const idOf = (span: Span | undefined) => (span as unknown as { id: number } | undefined)?.id;

describe('OpenSpans (the ring of open bridged spans)', () => {
  it('returns each span and its start once, whatever the ids and the order they end in, past the ring size', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 2 ** 40 }), { minLength: 1, maxLength: 3000 }), fc.integer(), (ids, seed) => {
        const open = new OpenSpans();
        for (const id of ids) open.add(id, fakeSpan(id), id * 3);
        if (open.size !== ids.length) return false;
        const order = [...ids].sort((a, b) => ((a * 2654435761 + seed) % 1000) - ((b * 2654435761 + seed) % 1000));
        for (const id of order) {
          if (idOf(open.get(id)) !== id) return false;
          if (idOf(open.take(id)) !== id || open.takenStartNs !== id * 3) return false;
          if (open.take(id) !== undefined || open.get(id) !== undefined) return false;
        }
        return open.size === 0;
      }),
      { numRuns: 50 },
    );
  });

  it('reaps, oldest first, only spans older than the given number of checks, from the ring and the overflow', () => {
    const open = new OpenSpans();
    open.add(5, fakeSpan(5), 0);
    open.add(5 + 1024, fakeSpan(1029), 0); // same slot as 5: overflow
    open.reap(2);
    open.add(7, fakeSpan(7), 0);
    expect(open.reap(2)).to.deep.equal([]);
    const reaped = open.reap(2); // 5 and 1029 are now 3 checks old, 7 only 2
    expect(reaped.map((o) => o.spanId)).to.deep.equal([5, 1029]);
    expect(open.size).to.equal(1);
    expect(open.drain().map((o) => o.spanId)).to.deep.equal([7]);
    expect(open.size).to.equal(0);
  });

  it('a slot freed by take() is reused by a later id', () => {
    const open = new OpenSpans();
    open.add(3, fakeSpan(3), 30);
    open.take(3);
    open.add(3 + 1024, fakeSpan(1027), 40);
    expect(idOf(open.get(1027))).to.equal(1027);
    expect(idOf(open.get(3))).to.equal(undefined);
    expect(idOf(open.take(1027))).to.equal(1027);
    expect(open.takenStartNs).to.equal(40);
  });
});
