// The command line of `pnpm bench`, parsed without side effects (bench/test checks it).

export interface BenchArgs {
  /** Suites named on the command line (empty: every suite). */
  readonly suites: readonly string[];
  readonly quick: boolean;
  readonly soak: boolean;
  readonly check: boolean;
  /** An earlier results file to compare ratios with. */
  readonly compare?: string;
  /** How much worse a ratio may get before --compare fails (0.1 = 10%). */
  readonly tolerance: number;
  /** Regenerate docs/benchmarks.md: from this file (no run), or from this run when `true`. */
  readonly report?: string | true;
  /** Read results from this file instead of running (for --check and --compare). */
  readonly from?: string;
  /** Where this run's results go (default bench/results/<date>-<host>[-mode].json). */
  readonly out?: string;
  readonly list: boolean;
  readonly help: boolean;
}

export const USAGE = `usage: pnpm bench [suite...] [options]
  (no suite)            every suite (bench/src/*.bench.ts), core first
  --quick               smaller batches, biggest scaling points left out (whole pass under 2 minutes)
  --soak                10 million events through core -> aggregator -> a render every second
                        (alone, or with the suites named; \`pnpm bench all --soak\`: everything)
  --check               exit non-zero when a budget in bench/budgets.json is missed
  --compare <file>      compare each case's ratio to its peer with an earlier results file;
                        exit non-zero when one is worse by more than --tolerance (default 10)%
  --tolerance <pct>     for --compare
  --report [file.json]  regenerate docs/benchmarks.md and its charts from a results file
                        (no run), or from this run when no file is given
  --from <file.json>    use a results file instead of running (with --check / --compare)
  --out <file.json>     write this run's results there
  --list                list the suites`;

export class UsageError extends Error {}

/** Parses `pnpm bench` arguments; throws UsageError with the problem (main prints USAGE). */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const suites: string[] = [];
  let quick = false;
  let soak = false;
  let check = false;
  let list = false;
  let help = false;
  let compare: string | undefined;
  let report: string | true | undefined;
  let from: string | undefined;
  let out: string | undefined;
  let tolerance = 0.1;
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    // `pnpm bench -- --quick` passes the separator through.
    if (a === '--') continue;
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = value(i, flag);
      i++;
      return v;
    };
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--soak':
        soak = true;
        break;
      case '--check':
        check = true;
        break;
      case '--list':
        list = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      case '--compare':
        compare = take();
        break;
      case '--from':
        from = take();
        break;
      case '--out':
        out = take();
        break;
      case '--tolerance': {
        const pct = Number(take());
        if (!Number.isFinite(pct) || pct < 0) throw new UsageError('--tolerance must be a percentage, e.g. 10');
        tolerance = pct / 100;
        break;
      }
      case '--report':
        // The file is optional: only a following *.json argument is taken as it.
        if (inline !== undefined) report = inline;
        else if (argv[i + 1]?.endsWith('.json')) report = argv[++i];
        else report = true;
        break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (!/^[a-z0-9-]+$/.test(a)) throw new UsageError(`${a} is not a suite name (suites: lower-case letters, digits, '-')`);
        suites.push(a);
    }
  }
  if (typeof report === 'string' && (suites.length > 0 || quick || soak || from !== undefined)) {
    throw new UsageError('--report <file> regenerates the docs from that file without running: give no suites, --quick, --soak or --from with it');
  }
  if (from !== undefined && (suites.length > 0 || quick || soak)) throw new UsageError('--from reads a results file instead of running: give no suites, --quick or --soak with it');
  if (from !== undefined && !check && compare === undefined && report === undefined) throw new UsageError('--from needs --check, --compare or --report');
  return { suites, quick, soak, check, compare, tolerance, report, from, out, list, help };
}
