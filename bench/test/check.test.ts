import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, failed, readBudgets, validateBudgets, type Budget, type BudgetFile } from '../src/check.js';
import { readResults } from '../src/results.js';

const here = dirname(fileURLToPath(import.meta.url));
// Compiled to dist/test: the sources (fixtures, budgets.json) are two folders up.
const benchRoot = join(here, '..', '..');
const fixture = (name: string): string => join(benchRoot, 'test', 'fixtures', name);
const after = readResults(fixture('run-after.json'));
const before = readResults(fixture('run-before.json'));

function one(budget: Budget, results = after) {
  return evaluate({ budgets: [budget] }, results)[0];
}

describe('budget check', () => {
  it('meets a case budget at or under its limit', () => {
    const o = one({ id: 'x', issue: 11, title: 't', measure: { case: 'scaling/rx distribution, 10,000 live series' }, op: '<=', limit: 250, unit: 'ns' });
    expect(o.verdict).to.equal('met');
    expect(o.value).to.equal(100);
  });

  it('misses a case budget over its limit', () => {
    const o = one({ id: 'x', issue: 11, title: 't', measure: { case: 'core/spanEvent(prefix).run, start+stop handlers' }, op: '<=', limit: 180, unit: 'ns' });
    expect(o.verdict).to.equal('missed');
    expect(o.detail).to.match(/210\.0 ns \(budget <= 180 ns\)/);
  });

  it('pairs a ratio by batch when both cases were measured together', () => {
    const o = one({ id: 'x', issue: 2, title: 't', measure: { ratio: ['core/emit, 1 handler, handle', 'core/EventEmitter.emit, 1 listener'] }, op: '<=', limit: 1.5, unit: 'x' });
    expect(o.value).to.equal(0.6);
    expect(o.measured).to.contain('paired');
  });

  it('checks a >= ratio (faster by)', () => {
    const b: Budget = { id: 'x', issue: 11, title: 't', measure: { ratio: ['scaling/prom-client observe, 10,000 live series', 'scaling/rx distribution, 10,000 live series'] }, op: '>=', limit: 4, unit: 'x' };
    expect(one(b, before).verdict).to.equal('met');
    expect(one(b, after).verdict).to.equal('missed');
  });

  it("reads a metric and a suite's own budget line", () => {
    expect(one({ id: 'x', issue: 11, title: 't', measure: { metric: 'scaling/bytes per series, rx, 1–50 ms, 1,000 series' }, op: '<=', limit: 10240, unit: 'B' }).value).to.equal(12000);
    const line = one({ id: 'x', issue: 2, title: 't', measure: { budget: 'core/a line with a value' }, op: '<=', limit: 2, unit: 'ns' });
    expect(line.verdict).to.equal('missed');
    expect(line.measured).to.equal('2.50 ns');
  });

  it('says "not run" for a suite the run did not include, and does not fail on it', () => {
    const o = one({ id: 'x', issue: 3, title: 't', measure: { case: 'hdr-record/rx handle.emit -> counter, 2 tags' }, op: '<=', limit: 30, unit: 'ns' });
    expect(o.verdict).to.equal('not run');
    expect(failed([o])).to.equal(false);
  });

  it('fails on a case a full run of its suite lacks (a renamed case)', () => {
    const o = one({ id: 'x', issue: 2, title: 't', measure: { case: 'core/no such case' }, op: '<=', limit: 1, unit: 'ns' });
    expect(o.verdict).to.equal('missing');
    expect(failed([o])).to.equal(true);
  });

  it('does not fail on pending, superseded or manual budgets', () => {
    const file: BudgetFile = {
      budgets: [
        { id: 'p', issue: 12, title: 'p', status: 'pending', why: 'not yet' },
        { id: 'm', issue: 9, title: 'm', status: 'manual', why: 'by hand' },
        { id: 's', issue: 2, title: 's', status: 'superseded', by: 'p' },
      ],
    };
    const outcomes = evaluate(file, after);
    expect(outcomes.map((o) => o.verdict)).to.deep.equal(['pending', 'manual', 'superseded']);
    expect(failed(outcomes)).to.equal(false);
  });

  it('rejects a budget file with a malformed budget', () => {
    expect(() => validateBudgets({ budgets: [{ id: 'a', issue: 2, title: 't', measure: { case: 'no-suite-prefix' }, op: '<=', limit: 1, unit: 'ns' }] })).to.throw(/must read "suite\/name"/);
    expect(() => validateBudgets({ budgets: [{ id: 'a', issue: 2, title: 't', op: '<=', limit: 1, unit: 'ns' }] })).to.throw(/needs measure/);
    const dup: Budget = { id: 'a', issue: 2, title: 't', status: 'pending' };
    expect(() => validateBudgets({ budgets: [dup, dup] })).to.throw(/twice/);
  });

  it("validates the repository's bench/budgets.json, which holds budgets from issues 2-5, 9, 11 and 12", () => {
    const file = readBudgets(join(benchRoot, 'budgets.json'));
    const issues = new Set(file.budgets.map((b) => b.issue));
    for (const i of [2, 3, 4, 5, 9, 11, 12]) expect(issues.has(i), `issue ${i}`).to.equal(true);
    expect(JSON.parse(readFileSync(join(benchRoot, 'budgets.json'), 'utf8')).budgets.length).to.equal(file.budgets.length);
  });
});
