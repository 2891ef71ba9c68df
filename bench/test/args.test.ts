import { expect } from 'chai';
import { parseArgs, UsageError } from '../src/args.js';

describe('pnpm bench arguments', () => {
  it('runs every suite in full mode without arguments', () => {
    const a = parseArgs([]);
    expect(a).to.include({ quick: false, soak: false, check: false, tolerance: 0.1, list: false, help: false });
    expect(a.suites).to.deep.equal([]);
  });

  it('takes suite names and --quick in any order', () => {
    const a = parseArgs(['core', '--quick', 'scaling']);
    expect(a.suites).to.deep.equal(['core', 'scaling']);
    expect(a.quick).to.equal(true);
  });

  it('ignores the -- separator pnpm passes through', () => {
    expect(parseArgs(['--', '--quick']).quick).to.equal(true);
  });

  it('reads --compare with a following value or with =', () => {
    expect(parseArgs(['--compare', 'old.json']).compare).to.equal('old.json');
    expect(parseArgs(['--compare=old.json']).compare).to.equal('old.json');
  });

  it('reads --tolerance as a percentage', () => {
    expect(parseArgs(['--compare', 'a.json', '--tolerance', '5']).tolerance).to.equal(0.05);
  });

  it('takes a .json after --report as its file and otherwise reports this run', () => {
    expect(parseArgs(['--report', 'bench/results/x.json']).report).to.equal('bench/results/x.json');
    const own = parseArgs(['--report', 'core']);
    expect(own.report).to.equal(true);
    expect(own.suites).to.deep.equal(['core']);
  });

  it('rejects an unknown option', () => {
    expect(() => parseArgs(['--quik'])).to.throw(UsageError, /unknown option --quik/);
  });

  it('rejects --compare without a file', () => {
    expect(() => parseArgs(['--compare'])).to.throw(UsageError, /--compare needs a value/);
    expect(() => parseArgs(['--compare', '--quick'])).to.throw(UsageError, /--compare needs a value/);
  });

  it('rejects --from without --check, --compare or --report', () => {
    expect(() => parseArgs(['--from', 'a.json'])).to.throw(UsageError, /--from needs --check/);
  });

  it('rejects suites together with --report <file> (which does not run)', () => {
    expect(() => parseArgs(['core', '--report', 'a.json'])).to.throw(UsageError, /without running/);
  });

  it('rejects a negative tolerance', () => {
    expect(() => parseArgs(['--tolerance', '-1'])).to.throw(UsageError, /percentage/);
  });
});
