import { expect } from 'chai';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareRuns } from '../src/compare.js';
import { readResults } from '../src/results.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures');
const before = readResults(join(fixtures, 'run-before.json'));
const after = readResults(join(fixtures, 'run-after.json'));

describe('compare with an earlier run', () => {
  it('lists a case whose ratio to its peer worsened by more than 10%', () => {
    const c = compareRuns(before, after, 0.1);
    const worse = c.worse.map((r) => `${r.suite}/${r.name}`);
    expect(worse).to.include('core/emit, 1 handler, handle');
    const emit = c.worse.find((r) => r.name === 'emit, 1 handler, handle');
    expect(emit?.before).to.equal(0.5);
    expect(emit?.after).to.equal(0.6);
  });

  it('compares ratios, not times: a slower machine alone is no regression', () => {
    // EventEmitter itself got twice as slow between the fixtures; only the ratios count.
    const c = compareRuns(before, after, 0.1);
    expect(c.rows.map((r) => r.name)).not.to.include('EventEmitter.emit, 1 listener');
  });

  it('lets a change within the tolerance pass', () => {
    const c = compareRuns(before, after, 0.1);
    const span = c.rows.find((r) => r.name === 'spanEvent(prefix).run, start+stop handlers');
    expect(span?.change).to.be.closeTo(0.05, 1e-9);
    expect(c.worse.map((r) => r.name)).not.to.include(span?.name);
  });

  it('fails the same change under a tighter tolerance', () => {
    const c = compareRuns(before, after, 0.04);
    expect(c.worse.map((r) => r.name)).to.include('spanEvent(prefix).run, start+stop handlers');
  });

  it('finds nothing worse when a run is compared with itself', () => {
    expect(compareRuns(after, after, 0.1).worse).to.deep.equal([]);
  });

  it('counts cases missing from the earlier run as unmatched, not as regressions', () => {
    const trimmed = { ...before, suites: before.suites.filter((s) => s.suite !== 'scaling') };
    const c = compareRuns(trimmed, after, 0.1);
    expect(c.unmatched).to.include('scaling/rx distribution, 10,000 live series');
    expect(c.worse.map((r) => r.suite)).not.to.include('scaling');
  });
});
