import { expect } from 'chai';
import { baseUnit, defaultBuckets } from '../src/index.js';

describe('defaultBuckets and baseUnit', () => {
  it("give Prometheus' latency buckets converted into the metric's unit, decades of bytes for sizes", () => {
    expect(defaultBuckets('second')).to.deep.equal([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
    expect(defaultBuckets('millisecond')).to.deep.equal([5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]);
    expect(defaultBuckets(undefined)).to.deep.equal(defaultBuckets('second'));
    expect(defaultBuckets('kilobyte')[0]).to.equal(0.1);
    expect(defaultBuckets('byte').at(-1)).to.equal(1e9);
  });

  it('name the base unit of a unit family', () => {
    expect(['nanosecond', 'microsecond', 'millisecond', 'second'].map((u) => baseUnit(u as 'second'))).to.deep.equal(['second', 'second', 'second', 'second']);
    expect(['byte', 'kilobyte', 'megabyte', 'gigabyte'].map((u) => baseUnit(u as 'byte'))).to.deep.equal(['byte', 'byte', 'byte', 'byte']);
  });
});
