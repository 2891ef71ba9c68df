// `pnpm bench [suite...] [--quick] [--soak] [--check] [--compare f] [--report [f]]` (USAGE in args.ts):
// runs the suites (every *.bench.js beside this file, core first) one after another, each in a
// fresh process of its own (suite-process.ts says why), writes one results file, evaluates bench/budgets.json, and optionally compares with an
// earlier run or regenerates docs/benchmarks.md.
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE, UsageError, type BenchArgs } from './args.js';
import { evaluate, failed, printOutcomes, readBudgets } from './check.js';
import { compareRuns, printComparison } from './compare.js';
import { resultsDir, type SuiteResult } from './harness.js';
import { progress } from './progress.js';
import { writeDocs } from './report/docs.js';
import { runSuiteProcess } from './suite-process.js';
import { environment, gitState, loadAverage, readResults, resultsFileName, RESULTS_SCHEMA, writeResults, type RunResults } from './results.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, '..', '..');
const budgetsFile = join(benchRoot, 'budgets.json');
/** The soak is a suite of its own, run only when asked for (`--soak` or `pnpm bench soak`). */
const SOAK = 'soak';

export function availableSuites(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith('.bench.js'))
    .map((f) => f.slice(0, -'.bench.js'.length))
    .sort((a, b) => (a === 'core' ? -1 : b === 'core' ? 1 : a.localeCompare(b)));
}

function chosenSuites(args: BenchArgs, available: readonly string[]): string[] {
  const known = [...available, SOAK, 'all'];
  for (const name of args.suites) {
    if (!known.includes(name)) throw new UsageError(`unknown suite ${name}; known: ${known.join(', ')}`);
  }
  // `all` is every suite (so `pnpm bench all --soak` is a full run plus the soak).
  const listed = args.suites.flatMap((s) => (s === 'all' ? available : [s])).filter((s, i, xs) => xs.indexOf(s) === i);
  const named = listed.length > 0 ? listed : args.soak ? [] : [...available];
  if (args.soak && !named.includes(SOAK)) named.push(SOAK);
  return named;
}

async function runSuites(names: readonly string[], args: BenchArgs): Promise<{ results: RunResults; crashed: string[] }> {
  const started = new Date();
  const loadStart = loadAverage();
  // Read before the run: a run takes minutes, and others may commit meanwhile.
  const git = gitState(benchRoot);
  const t0 = performance.now();
  const suites: SuiteResult[] = [];
  const crashed: string[] = [];
  for (const name of names) {
    progress.suite(name);
    try {
      suites.push(...(await runSuiteProcess(name, args.quick)));
    } catch (e) {
      progress.clear();
      console.error(`\nsuite ${name} failed: ${(e as Error).stack ?? String(e)}`);
      crashed.push(name);
    }
    progress.clear();
  }
  const mode = args.soak && names.length === 1 ? 'soak' : args.quick ? 'quick' : 'full';
  const results: RunResults = {
    schema: RESULTS_SCHEMA,
    date: started.toISOString(),
    environment: environment(),
    loadAverage: { start: loadStart, end: loadAverage() },
    mode,
    ...(git ? { git } : {}),
    argv: process.argv.slice(2),
    durationMs: Math.round(performance.now() - t0),
    suites,
    ...(crashed.length ? { crashed } : {}),
  };
  return { results, crashed };
}

/** Full runs of every suite are `<date>-<host>.json`; quick, soak and partial runs say so in the name. */
function defaultOut(results: RunResults, names: readonly string[], all: readonly string[]): string {
  const base = resultsFileName(new Date(results.date), results.environment.host).slice(0, -'.json'.length);
  const partial = all.some((s) => !names.includes(s)) ? `-partial-${names.join('+')}` : '';
  const suffix = results.mode === 'quick' ? `-quick${partial}` : results.mode === 'soak' ? '-soak' : partial;
  return `${base}${suffix}.json`;
}

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const available = availableSuites();
  if (args.list) {
    console.log([...available, `${SOAK} (with --soak)`, 'all (every suite but the soak)'].join('\n'));
    return 0;
  }
  const budgets = readBudgets(budgetsFile);
  if (typeof args.report === 'string') {
    const results = readResults(resolve(args.report));
    const written = writeDocs(results, evaluate(budgets, results), resolve(args.report));
    console.log(`wrote ${written.join(', ')}`);
    return 0;
  }

  let results: RunResults;
  let resultsPath: string;
  let crashed: string[] = [];
  if (args.from !== undefined) {
    resultsPath = resolve(args.from);
    results = readResults(resultsPath);
  } else {
    let names: string[];
    try {
      names = chosenSuites(args, available);
    } catch (e) {
      if (e instanceof UsageError) {
        console.error(e.message);
        return 2;
      }
      throw e;
    }
    const run = await runSuites(names, args);
    results = run.results;
    crashed = run.crashed;
    resultsPath = args.out !== undefined ? resolve(args.out) : join(resultsDir, defaultOut(results, names, available));
    writeResults(dirname(resultsPath), results, resultsPath.slice(dirname(resultsPath).length + 1));
    console.log(`\nresults: ${resultsPath} (${(results.durationMs / 1000).toFixed(1)} s, load average ${results.loadAverage.start.join(' ')} -> ${results.loadAverage.end.join(' ')})`);
  }

  const outcomes = evaluate(budgets, results);
  printOutcomes(outcomes);
  let code = 0;
  if (crashed.length > 0) {
    console.log(`suites that crashed: ${crashed.join(', ')}`);
    code = 1;
  }
  if (args.check && failed(outcomes)) code = 1;
  if (args.compare !== undefined) {
    const earlier = resolve(args.compare);
    const comparison = compareRuns(readResults(earlier), results, args.tolerance);
    printComparison(comparison, args.tolerance, earlier);
    if (comparison.worse.length > 0) code = 1;
  }
  if (args.report === true) {
    const written = writeDocs(results, outcomes, resultsPath);
    console.log(`wrote ${written.join(', ')}`);
  }
  return code;
}

process.exitCode = await main();
