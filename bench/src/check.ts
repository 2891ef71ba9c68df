// `pnpm bench --check`: every budget of bench/budgets.json evaluated against a run's results.
// A budget names what it reads ("suite/case", "suite/metric", "suite/budget name"), so the limits
// live in the budget file alone; suites only measure.
import { readFileSync } from 'node:fs';
import { fmt, fmtRatio, median } from './format.js';
import type { BudgetCheck, CaseResult, SuiteResult } from './harness.js';
import type { RunResults } from './results.js';

/** What a budget reads from a run. Names are "suite/name". */
export type Measure =
  /** A case's median ns per operation. */
  | { readonly case: string }
  /** a / b: the median of per-batch ratios when both were measured together, else of medians. */
  | { readonly ratio: readonly [string, string] }
  /** a - b in ns: the median of per-batch differences when measured together, else of medians. */
  | { readonly diff: readonly [string, string] }
  /** A suite's metric (bytes per series, heap growth, percent…). */
  | { readonly metric: string }
  /** The value a suite's own budget line recorded (for figures only that suite derives). */
  | { readonly budget: string };

export interface Budget {
  readonly id: string;
  /** The issue that set it. */
  readonly issue: number;
  readonly title: string;
  /** pending: not measurable yet; superseded: replaced by a later budget (`by`); manual: checked another way (`why`). */
  readonly status?: 'pending' | 'superseded' | 'manual';
  readonly by?: string;
  readonly why?: string;
  readonly measure?: Measure;
  readonly op?: '<=' | '>=';
  readonly limit?: number;
  readonly unit?: string;
  /** Missing data is "not measured" rather than a miss (e.g. cases that need GPU timestamps). */
  readonly optional?: boolean;
}

export interface BudgetFile {
  readonly budgets: readonly Budget[];
}

export type Verdict = 'met' | 'missed' | 'pending' | 'superseded' | 'manual' | 'not run' | 'not measured' | 'missing';

export interface Outcome {
  readonly budget: Budget;
  readonly verdict: Verdict;
  readonly value?: number;
  /** What was measured, in words and numbers (empty when nothing was). */
  readonly measured: string;
  /** The budget as `<= 3 ns` (empty for pending, superseded and manual budgets). */
  readonly limit: string;
  readonly detail: string;
}

export function readBudgets(path: string): BudgetFile {
  const file = JSON.parse(readFileSync(path, 'utf8')) as BudgetFile;
  validateBudgets(file);
  return file;
}

/** Fails loudly on a malformed budget file (a typo would otherwise read as "missing"). */
export function validateBudgets(file: BudgetFile): void {
  if (file === null || typeof file !== 'object' || !Array.isArray(file.budgets)) throw new Error('budgets.json: expected { "budgets": [...] }');
  const ids = new Set<string>();
  for (const b of file.budgets) {
    const where = `budgets.json: budget ${JSON.stringify(b.id)}`;
    if (typeof b.id !== 'string' || b.id.length === 0) throw new Error('budgets.json: every budget needs an id');
    if (ids.has(b.id)) throw new Error(`${where} appears twice`);
    ids.add(b.id);
    if (!Number.isInteger(b.issue)) throw new Error(`${where} needs the issue number that set it`);
    if (typeof b.title !== 'string') throw new Error(`${where} needs a title`);
    if (b.status !== undefined && !['pending', 'superseded', 'manual'].includes(b.status)) throw new Error(`${where}: unknown status ${b.status}`);
    if (b.status === 'superseded' && (b.by === undefined || !file.budgets.some((x) => x.id === b.by))) throw new Error(`${where} is superseded by an unknown budget ${b.by}`);
    if (b.status !== undefined) continue;
    if (b.measure === undefined || (b.op !== '<=' && b.op !== '>=') || typeof b.limit !== 'number' || typeof b.unit !== 'string') {
      throw new Error(`${where} needs measure, op ("<=" or ">="), limit and unit`);
    }
    const keys = Object.keys(b.measure);
    if (keys.length !== 1 || !['case', 'ratio', 'diff', 'metric', 'budget'].includes(keys[0])) throw new Error(`${where}: measure must be one of case, ratio, diff, metric, budget`);
    for (const name of names(b.measure)) {
      if (typeof name !== 'string' || !name.includes('/')) throw new Error(`${where}: ${JSON.stringify(name)} must read "suite/name"`);
    }
  }
}

function names(m: Measure): readonly string[] {
  if ('case' in m) return [m.case];
  if ('ratio' in m) return m.ratio;
  if ('diff' in m) return m.diff;
  if ('metric' in m) return [m.metric];
  return [m.budget];
}

function split(ref: string): [string, string] {
  const i = ref.indexOf('/');
  return [ref.slice(0, i), ref.slice(i + 1)];
}

/** Batches pair up when both cases come from one measurement (same group, same batch count). */
export function paired(a: CaseResult, b: CaseResult): boolean {
  return a.group === b.group && a.batches.length === b.batches.length && a.batches.length > 0;
}

/** A number recorded in a budget line: its `value`, else the first number of its detail. */
function budgetValue(b: BudgetCheck): number | undefined {
  if (typeof b.value === 'number') return b.value;
  const m = /-?\d+(?:\.\d+)?/.exec(b.detail.replace(/,/g, ''));
  return m ? Number(m[0]) : undefined;
}

type Lookup = { readonly ok: true; readonly value: number; readonly what: string } | { readonly ok: false; readonly why: 'not run' | 'missing'; readonly what: string };

/** Reads a measure from a run; `not run` when its suite is absent, `missing` when the suite lacks the name. */
export function lookup(results: RunResults, m: Measure): Lookup {
  const suites = new Map<string, SuiteResult>();
  for (const s of results.suites) suites.set(s.suite, s);
  const caseOf = (ref: string): CaseResult | 'not run' | 'missing' => {
    const [suite, name] = split(ref);
    const s = suites.get(suite);
    if (s === undefined) return 'not run';
    return s.cases.find((c) => c.name === name) ?? 'missing';
  };
  const fail = (why: 'not run' | 'missing', ref: string): Lookup => ({ ok: false, why, what: ref });
  if ('case' in m) {
    const c = caseOf(m.case);
    return typeof c === 'string' ? fail(c, m.case) : { ok: true, value: c.nsPerOp, what: fmt(c.nsPerOp) };
  }
  if ('ratio' in m || 'diff' in m) {
    const [ra, rb] = 'ratio' in m ? m.ratio : m.diff;
    const a = caseOf(ra);
    const b = caseOf(rb);
    if (typeof a === 'string') return fail(a, ra);
    if (typeof b === 'string') return fail(b, rb);
    const together = paired(a, b);
    if ('ratio' in m) {
      const value = together ? median(a.batches.map((v, i) => v / b.batches[i])) : a.nsPerOp / b.nsPerOp;
      return { ok: true, value, what: `${fmtRatio(value)} (${fmt(a.nsPerOp)} / ${fmt(b.nsPerOp)}${together ? ', paired' : ''})` };
    }
    const value = together ? median(a.batches.map((v, i) => v - b.batches[i])) : a.nsPerOp - b.nsPerOp;
    return { ok: true, value, what: `${fmt(value)} (${fmt(a.nsPerOp)} - ${fmt(b.nsPerOp)}${together ? ', paired' : ''})` };
  }
  if ('metric' in m) {
    const [suite, name] = split(m.metric);
    const s = suites.get(suite);
    if (s === undefined) return fail('not run', m.metric);
    const metric = s.metrics?.[name];
    return metric === undefined ? fail('missing', m.metric) : { ok: true, value: metric.value, what: `${round(metric.value)} ${metric.unit}` };
  }
  const [suite, name] = split(m.budget);
  const s = suites.get(suite);
  if (s === undefined) return fail('not run', m.budget);
  const line = s.budgets.find((b) => b.name === name);
  const value = line === undefined ? undefined : budgetValue(line);
  // The suite's own limit is not this budget's: drop it from the line.
  const what = (line?.detail ?? String(value)).replace(/\s*\(budget [^)]*\)\s*$/, '');
  return value === undefined ? fail('missing', m.budget) : { ok: true, value, what };
}

function round(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
}

export function evaluate(file: BudgetFile, results: RunResults): Outcome[] {
  return file.budgets.map((budget): Outcome => {
    const none = { measured: '', limit: '' };
    if (budget.status === 'pending') return { budget, verdict: 'pending', ...none, detail: budget.why ?? 'not measurable yet' };
    if (budget.status === 'superseded') return { budget, verdict: 'superseded', ...none, detail: `replaced by ${budget.by}` };
    if (budget.status === 'manual') return { budget, verdict: 'manual', ...none, detail: budget.why ?? 'checked another way' };
    const m = budget.measure as Measure;
    const found = lookup(results, m);
    const limit = `${budget.op} ${budget.limit} ${budget.unit}`;
    if (!found.ok) {
      // A quick run leaves the biggest points out: what it did not measure is not a miss.
      const notMeasured = found.why === 'not run' || budget.optional === true || results.mode === 'quick';
      const measured = `${found.what}: ${found.why === 'not run' ? 'suite not run' : 'not in the results'}`;
      return { budget, verdict: found.why === 'not run' ? 'not run' : notMeasured ? 'not measured' : 'missing', measured, limit, detail: `${measured} (budget ${limit})` };
    }
    const ok = budget.op === '<=' ? found.value <= (budget.limit as number) : found.value >= (budget.limit as number);
    return { budget, verdict: ok ? 'met' : 'missed', value: found.value, measured: found.what, limit, detail: `${found.what} (budget ${limit})` };
  });
}

/** True when the check fails: a budget missed, or one whose data a full run should have had. */
export function failed(outcomes: readonly Outcome[]): boolean {
  return outcomes.some((o) => o.verdict === 'missed' || o.verdict === 'missing');
}

export function printOutcomes(outcomes: readonly Outcome[], out: (line: string) => void = console.log): void {
  const tag: Record<Verdict, string> = { met: 'met    ', missed: 'MISSED ', pending: 'pending', superseded: 'supersd', manual: 'manual ', 'not run': 'not run', 'not measured': 'n/a    ', missing: 'MISSING' };
  out('\n## budgets (bench/budgets.json)');
  const notRun = outcomes.filter((o) => o.verdict === 'not run');
  for (const o of outcomes) if (o.verdict !== 'not run') out(`${tag[o.verdict]}  [issue ${o.budget.issue}] ${o.budget.title}: ${o.detail}`);
  if (notRun.length) out(`not run  ${notRun.length} budget(s) of suites not in this run (${[...new Set(notRun.map((o) => o.budget.id.split('.')[0]))].join(', ')})`);
  const count = (v: Verdict): number => outcomes.filter((o) => o.verdict === v).length;
  out(`budgets: ${count('met')} met, ${count('missed')} missed, ${count('missing')} missing, ${count('pending')} pending, ${count('not run') + count('not measured')} not measured in this run`);
}
