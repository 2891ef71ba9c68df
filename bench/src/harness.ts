// The timer loop every suite uses: cases interleaved batch by batch in one process, medians, and
// ratios paired by batch. Suites call measure()/measureAsync() and report(); `pnpm bench` (main.ts)
// collects what report() returns into one results file.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median } from './format.js';
import { progress } from './progress.js';

export { fmt, median };

/**
 * One case: `loop(n)` runs the operation n times in its own for-loop, so every case gets its
 * own monomorphic call site and the harness adds no per-operation call.
 */
export interface BenchCase {
  readonly name: string;
  readonly loop: (n: number) => void;
  /** Runs once before measuring (warm-up state, JIT). */
  readonly setup?: () => void;
  /** The case this one is compared with (`--compare` and the docs' ratio column); default: the suite's nearest peer. */
  readonly peer?: string;
}

/** A case whose operation is awaited (`loop(n)` runs it n times). */
export interface AsyncBenchCase {
  readonly name: string;
  readonly loop: (n: number) => Promise<void>;
  readonly setup?: () => Promise<void> | void;
  readonly peer?: string;
}

export interface CaseResult {
  readonly name: string;
  /** Median ns per operation over the batches. */
  readonly nsPerOp: number;
  /** ns per operation of every batch, in the order they ran. */
  readonly batches: readonly number[];
  /** Cases measured in the same measure() call share a group: their batches pair up. */
  readonly group?: number;
  readonly peer?: string;
}

export interface BudgetCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** The measured value and its limit, so a run's budgets can be re-read from its JSON. */
  readonly value?: number;
  readonly limit?: number;
  readonly unit?: string;
}

/** A number that is not a time per operation (bytes per series, heap growth, events/s…). */
export interface Metric {
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

/** A scaling curve: y against x for each series (the docs draw it as a chart). */
export interface Curve {
  readonly id: string;
  readonly title: string;
  readonly x: string;
  readonly y: string;
  /** The unit of y: 'ns' (default) or 'B'. */
  readonly unit?: string;
  readonly series: readonly { readonly name: string; readonly points: readonly (readonly [number, number])[] }[];
}

export interface SuiteResult {
  readonly suite: string;
  readonly cases: readonly CaseResult[];
  readonly budgets: readonly BudgetCheck[];
  readonly peers?: readonly string[];
  readonly metrics?: Readonly<Record<string, Metric>>;
  readonly curves?: readonly Curve[];
}

export interface SuiteOptions {
  /** Target milliseconds per batch (the iteration count is calibrated to it). */
  readonly batchMs?: number;
  readonly batches?: number;
  /** Iterations calibration starts from (default 1,000; 1 for operations of milliseconds). */
  readonly initialN?: number;
  /** One untimed round of every case before the timed ones (default true): early batches run colder code. */
  readonly warmup?: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
export const resultsDir = join(here, '..', '..', 'results');

/** How `pnpm bench` was asked to run; suites read it (quick: smaller batches, biggest points left out). */
export interface BenchMode {
  readonly quick: boolean;
}
let mode: BenchMode = { quick: false };
export function setMode(m: BenchMode): void {
  mode = m;
}
export function benchMode(): BenchMode {
  return mode;
}
/** `full` in a full run, `quick` with --quick. */
export function pick<T>(full: T, quick: T): T {
  return mode.quick ? quick : full;
}

function batchPlan(options: SuiteOptions): { batchMs: number; batches: number } {
  const batchMs = options.batchMs ?? 40;
  const batches = options.batches ?? 15;
  return mode.quick ? { batchMs: Math.min(batchMs, 12), batches: Math.min(batches, 9) } : { batchMs, batches };
}

function calibrate(loop: (n: number) => void, batchMs: number, initialN = 1_000): number {
  let n = initialN;
  for (;;) {
    const t0 = process.hrtime.bigint();
    loop(n);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= batchMs / 4 || n >= 1e9) return Math.max(1, Math.round((n * batchMs) / Math.max(ms, 0.001)));
    n *= 4;
  }
}

async function calibrateAsync(loop: (n: number) => Promise<void>, batchMs: number): Promise<number> {
  let n = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    await loop(n);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= batchMs / 4 || n >= 1e9) return Math.max(1, Math.round((n * batchMs) / Math.max(ms, 0.001)));
    n *= 4;
  }
}

let nextGroup = 1;

/**
 * Measures every case in this process, interleaving them batch by batch so drift and noise
 * hit all cases alike; reports the median batch.
 */
export function measure(cases: readonly BenchCase[], options: SuiteOptions = {}): CaseResult[] {
  const { batchMs, batches } = batchPlan(options);
  const group = nextGroup++;
  const counts: number[] = [];
  cases.forEach((c, i) => {
    progress.step(`calibrating ${i + 1}/${cases.length}: ${c.name}`);
    c.setup?.();
    counts.push(calibrate(c.loop, batchMs, options.initialN));
  });
  if (options.warmup !== false) {
    cases.forEach((c, i) => c.loop(counts[i]));
    // Sized again from warm code: in a fresh process (each suite runs in one) the sizing loop runs
    // cold code, at 2-3 µs a record for the hdr paths, so the first cases got 0.2-0.8 ms batches
    // instead of 40 ms ones (bench/notes/hdr-record.md). A warm batch of the first size resizes it.
    cases.forEach((c, i) => {
      const t0 = process.hrtime.bigint();
      c.loop(counts[i]);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      counts[i] = Math.max(1, Math.round((counts[i] * batchMs) / Math.max(ms, 0.001)));
    });
  }
  const samples = cases.map(() => [] as number[]);
  for (let b = 0; b < batches; b++) {
    progress.step(`batch ${b + 1}/${batches} of ${cases.length} cases`);
    cases.forEach((c, i) => {
      const n = counts[i];
      const t0 = process.hrtime.bigint();
      c.loop(n);
      samples[i].push(Number(process.hrtime.bigint() - t0) / n);
    });
  }
  const results = cases.map((c, i) => ({ name: c.name, nsPerOp: median(samples[i]), batches: samples[i], group, ...(c.peer ? { peer: c.peer } : {}) }));
  progress.cases(results);
  return results;
}

/** measure() for awaited operations: the same calibration, interleaving and medians. */
export async function measureAsync(cases: readonly AsyncBenchCase[], options: SuiteOptions = {}): Promise<CaseResult[]> {
  const { batchMs, batches } = batchPlan(options);
  const group = nextGroup++;
  const counts: number[] = [];
  for (const [i, c] of cases.entries()) {
    progress.step(`calibrating ${i + 1}/${cases.length}: ${c.name}`);
    await c.setup?.();
    counts.push(await calibrateAsync(c.loop, batchMs));
  }
  if (options.warmup !== false) for (const [i, c] of cases.entries()) await c.loop(counts[i]);
  const samples = cases.map(() => [] as number[]);
  for (let b = 0; b < batches; b++) {
    progress.step(`batch ${b + 1}/${batches} of ${cases.length} cases`);
    for (const [i, c] of cases.entries()) {
      const t0 = process.hrtime.bigint();
      await c.loop(counts[i]);
      samples[i].push(Number(process.hrtime.bigint() - t0) / counts[i]);
    }
  }
  const results = cases.map((c, i) => ({ name: c.name, nsPerOp: median(samples[i]), batches: samples[i], group, ...(c.peer ? { peer: c.peer } : {}) }));
  progress.cases(results);
  return results;
}

/**
 * Median of the per-batch ratios a/b. Batches of different cases run back to back, so pairing
 * them cancels the drift a shared VM adds between whole-run medians.
 */
export function pairedRatio(a: CaseResult, b: CaseResult): number {
  return median(a.batches.map((v, i) => v / b.batches[i]));
}

/** a/b paired by batch when both come from one measure() call, else the ratio of medians. */
export function ratioOf(a: CaseResult, b: CaseResult): number {
  const paired = a.group === b.group && a.batches.length === b.batches.length && a.batches.length > 0;
  return paired ? pairedRatio(a, b) : a.nsPerOp / b.nsPerOp;
}

export function find(results: readonly CaseResult[], name: string): CaseResult {
  const r = results.find((x) => x.name === name);
  if (!r) throw new Error(`no bench case named ${name}`);
  return r;
}

/**
 * The peer each case is compared with: its own `peer`, else the nearest of the suite's peers
 * listed before it in the same measurement group, else the first peer of its group, else the
 * suite's first peer. Peers themselves have none.
 */
export function peerOf(c: CaseResult, cases: readonly CaseResult[], peers: readonly string[]): CaseResult | undefined {
  if (peers.includes(c.name) && c.peer === undefined) return undefined;
  if (c.peer !== undefined) return cases.find((x) => x.name === c.peer);
  const index = cases.indexOf(c);
  const sameGroup = cases.filter((x) => peers.includes(x.name) && x.group === c.group);
  const before = sameGroup.filter((x) => cases.indexOf(x) < index);
  return before.at(-1) ?? sameGroup[0] ?? cases.find((x) => x.name === peers[0]);
}

/** Prints a table (ns/op and the ratio to each case's peer, paired where measured together) and the suite's budget lines. */
export function report(
  suite: string,
  cases: readonly CaseResult[],
  peers: readonly string[],
  budgets: readonly BudgetCheck[],
  extra: { readonly metrics?: Readonly<Record<string, Metric>>; readonly curves?: readonly Curve[] } = {},
): SuiteResult {
  for (const p of peers) find(cases, p);
  progress.clear();
  const width = Math.min(72, Math.max(...cases.map((c) => c.name.length), 10));
  console.log(`\n## ${suite}`);
  if (cases.length) console.log(`${'case'.padEnd(width)}  ${'ns/op'.padStart(10)}  ${'vs peer'.padStart(8)}  peer`);
  for (const c of cases) {
    const p = peerOf(c, cases, peers);
    const r = p === undefined || p === c ? '' : `${ratioOf(c, p).toFixed(2)}x`;
    const name = c.name.length > width ? `${c.name.slice(0, width - 1)}…` : c.name;
    console.log(`${name.padEnd(width)}  ${fmt(c.nsPerOp).padStart(10)}  ${r.padStart(8)}  ${p === undefined || p === c ? (peers.includes(c.name) ? '(peer)' : '') : p.name}`);
  }
  for (const [name, m] of Object.entries(extra.metrics ?? {})) console.log(`${name}: ${formatMetric(m)}${m.note ? ` (${m.note})` : ''}`);
  for (const b of budgets) console.log(`${b.ok ? 'PASS' : 'MISS'}  ${b.name}: ${b.detail}`);
  return { suite, cases, budgets, peers, ...(extra.metrics ? { metrics: extra.metrics } : {}), ...(extra.curves ? { curves: extra.curves } : {}) };
}

export function formatMetric(m: Metric): string {
  const v = Math.abs(m.value) >= 100 || Number.isInteger(m.value) ? Math.round(m.value).toLocaleString('en-US') : m.value.toFixed(2);
  return `${v} ${m.unit}`;
}

/** A budget: `value` (ns) at most `limit`. */
export function atMost(name: string, value: number, limit: number, unit = 'ns'): BudgetCheck {
  return { name, ok: value <= limit, detail: `${value.toFixed(2)} ${unit} (budget <= ${limit} ${unit})`, value, limit, unit };
}

/** A ratio budget: `a / b` at most `limit` (or at least, when `atLeast`). */
export function ratio(name: string, a: number, b: number, limit: number, atLeast = false): BudgetCheck {
  const r = a / b;
  return { name, ok: atLeast ? r >= limit : r <= limit, detail: `${r.toFixed(2)}x (budget ${atLeast ? '>=' : '<='} ${limit}x)`, value: r, limit, unit: 'x' };
}

/** Keeps a value alive so the optimiser cannot drop the work that made it. */
export let sink: unknown = undefined;
export function consume(v: unknown): void {
  sink = v;
}
