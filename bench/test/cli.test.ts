// The command line end to end on fixture results: no benchmark runs here (--from reads a file).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, readBudgets } from '../src/check.js';
import { writeDocs } from '../src/report/docs.js';
import { readResults } from '../src/results.js';

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'src', 'main.js');
const benchRoot = join(here, '..', '..');
const fixtures = join(benchRoot, 'test', 'fixtures');

function bench(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('pnpm bench command line', () => {
  it('--check exits non-zero and names the missed budget', () => {
    const r = bench('--from', join(fixtures, 'run-after.json'), '--check');
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/MISSED\s+\[issue 11\] bytes per distribution series/);
  });

  it('without --check a missed budget is printed but the exit code stays 0', () => {
    const r = bench('--from', join(fixtures, 'run-after.json'), '--compare', join(fixtures, 'run-after.json'));
    expect(r.code).to.equal(0);
    expect(r.out).to.contain('MISSED');
  });

  it('--compare exits non-zero and lists the worsened ratios', () => {
    const r = bench('--from', join(fixtures, 'run-after.json'), '--compare', join(fixtures, 'run-before.json'));
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/WORSE\s+core\/emit, 1 handler, handle vs EventEmitter\.emit, 1 listener: 0\.50x -> 0\.60x \(\+20\.0%\)/);
  });

  it('an unknown suite is a usage error (exit 2)', () => {
    const r = bench('no-such-suite');
    expect(r.code).to.equal(2);
    expect(r.out).to.contain('unknown suite no-such-suite');
  });

  it('--report writes the markdown and one SVG chart per curve from a results file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
    try {
      const results = readResults(join(fixtures, 'run-after.json'));
      const outcomes = evaluate(readBudgets(join(benchRoot, 'budgets.json')), results);
      writeDocs(results, outcomes, join(fixtures, 'run-after.json'), { markdown: join(dir, 'benchmarks.md'), charts: join(dir, 'charts') });
      const md = readFileSync(join(dir, 'benchmarks.md'), 'utf8');
      expect(md).to.contain('## Budgets at a glance');
      expect(md).to.match(/\| 11 \| bytes per distribution series .*\| \*\*missed\*\* \|/);
      expect(md).to.contain('](charts/distribution-vs-series.svg)');
      const svg = readFileSync(join(dir, 'charts', 'distribution-vs-series.svg'), 'utf8');
      expect(svg).to.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(svg).to.contain('<polyline');
      expect(readdirSync(join(dir, 'charts'))).to.deep.equal(['distribution-vs-series.svg']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
