import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * One case: `loop(n)` runs the operation n times in its own for-loop, so every case gets its
 * own monomorphic call site and the harness adds no per-operation call.
 */
export interface BenchCase {
  readonly name: string;
  readonly loop: (n: number) => void;
  /** Runs once before measuring (warm-up state, JIT). */
  readonly setup?: () => void;
}

export interface CaseResult {
  readonly name: string;
  /** Median ns per operation over the batches. */
  readonly nsPerOp: number;
  readonly batches: readonly number[];
}

export interface BudgetCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface SuiteResult {
  readonly suite: string;
  readonly cases: readonly CaseResult[];
  readonly budgets: readonly BudgetCheck[];
}

export interface SuiteOptions {
  /** Target milliseconds per batch (the iteration count is calibrated to it). */
  readonly batchMs?: number;
  readonly batches?: number;
}

const here = dirname(fileURLToPath(import.meta.url));
export const resultsDir = join(here, '..', '..', 'results');

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function calibrate(loop: (n: number) => void, batchMs: number): number {
  let n = 1_000;
  for (;;) {
    const t0 = process.hrtime.bigint();
    loop(n);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= batchMs / 4 || n >= 1e9) return Math.max(1, Math.round((n * batchMs) / Math.max(ms, 0.001)));
    n *= 4;
  }
}

/**
 * Measures every case in this process, interleaving them batch by batch so drift and noise
 * hit all cases alike; reports the median batch.
 */
export function measure(cases: readonly BenchCase[], options: SuiteOptions = {}): CaseResult[] {
  const batchMs = options.batchMs ?? 40;
  const batches = options.batches ?? 15;
  for (const c of cases) c.setup?.();
  const counts = cases.map((c) => calibrate(c.loop, batchMs));
  const samples = cases.map(() => [] as number[]);
  for (let b = 0; b < batches; b++) {
    cases.forEach((c, i) => {
      const n = counts[i];
      const t0 = process.hrtime.bigint();
      c.loop(n);
      samples[i].push(Number(process.hrtime.bigint() - t0) / n);
    });
  }
  return cases.map((c, i) => ({ name: c.name, nsPerOp: median(samples[i]), batches: samples[i] }));
}

/**
 * Median of the per-batch ratios a/b. Batches of different cases run back to back, so pairing
 * them cancels the drift a shared VM adds between whole-run medians.
 */
export function pairedRatio(a: CaseResult, b: CaseResult): number {
  return median(a.batches.map((v, i) => v / b.batches[i]));
}

export function find(results: readonly CaseResult[], name: string): CaseResult {
  const r = results.find((x) => x.name === name);
  if (!r) throw new Error(`no bench case named ${name}`);
  return r;
}

export function fmt(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e4) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${ns.toFixed(ns < 10 ? 2 : 1)} ns`;
}

/** Prints a table (ns/op and the ratio to each named peer) and the budget checks; writes JSON. */
export function report(suite: string, cases: readonly CaseResult[], peers: readonly string[], budgets: readonly BudgetCheck[]): SuiteResult {
  const peerResults = peers.map((p) => find(cases, p));
  const width = Math.max(...cases.map((c) => c.name.length), 10);
  console.log(`\n## ${suite}`);
  console.log(`${'case'.padEnd(width)}  ${'ns/op'.padStart(10)}  ${peerResults.map((p) => `vs ${p.name}`.slice(0, 28).padStart(28)).join('  ')}`);
  for (const c of cases) {
    const ratios = peerResults.map((p) => `${(c.nsPerOp / p.nsPerOp).toFixed(2)}x`.padStart(28));
    console.log(`${c.name.padEnd(width)}  ${fmt(c.nsPerOp).padStart(10)}  ${ratios.join('  ')}`);
  }
  for (const b of budgets) console.log(`${b.ok ? 'PASS' : 'MISS'}  ${b.name}: ${b.detail}`);
  const result: SuiteResult = { suite, cases, budgets };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, `${suite}.json`),
    JSON.stringify({ suite, date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, cases, budgets }, null, 2) + '\n',
  );
  return result;
}

/** A budget: `value` (ns) at most `limit`. */
export function atMost(name: string, value: number, limit: number, unit = 'ns'): BudgetCheck {
  return { name, ok: value <= limit, detail: `${value.toFixed(2)} ${unit} (budget <= ${limit} ${unit})` };
}

/** A ratio budget: `a / b` at most `limit` (or at least, when `atLeast`). */
export function ratio(name: string, a: number, b: number, limit: number, atLeast = false): BudgetCheck {
  const r = a / b;
  return { name, ok: atLeast ? r >= limit : r <= limit, detail: `${r.toFixed(2)}x (budget ${atLeast ? '>=' : '<='} ${limit}x)` };
}

/** Keeps a value alive so the optimiser cannot drop the work that made it. */
export let sink: unknown = undefined;
export function consume(v: unknown): void {
  sink = v;
}
