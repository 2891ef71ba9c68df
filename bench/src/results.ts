// The results file of one `pnpm bench` run: bench/results/<date>-<host>.json. Everything the
// budget check, the comparison and the docs need is in it (every case's per-batch samples too).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { SuiteResult } from './harness.js';

export const RESULTS_SCHEMA = 1;

export interface Environment {
  readonly host: string;
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryBytes: number;
}

export interface RunResults {
  readonly schema: number;
  /** ISO time the run started. */
  readonly date: string;
  readonly environment: Environment;
  /** 1, 5 and 15 minute load averages at the start and at the end of the run. */
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  readonly mode: 'full' | 'quick' | 'soak';
  /** The commit measured, and whether the working tree had changes beside it. */
  readonly git?: { readonly commit: string; readonly dirty: boolean };
  readonly argv: readonly string[];
  readonly durationMs: number;
  readonly suites: readonly SuiteResult[];
  /** Suites that threw (their error is in the run's output). */
  readonly crashed?: readonly string[];
}

export function environment(): Environment {
  const cpu = cpus();
  return {
    host: hostname(),
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryBytes: totalmem(),
  };
}

/** The checkout's commit and whether it has uncommitted changes; undefined outside a git checkout. */
export function gitState(cwd: string): { commit: string; dirty: boolean } | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return undefined;
  }
}

export function loadAverage(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}

/** `2026-12-01-myhost.json`; the host name keeps only letters, digits, '.', '_' and '-'. */
export function resultsFileName(date: Date, host: string): string {
  const safe = host.replace(/[^A-Za-z0-9._-]/g, '_') || 'host';
  return `${date.toISOString().slice(0, 10)}-${safe}.json`;
}

export function writeResults(dir: string, results: RunResults, fileName = resultsFileName(new Date(results.date), results.environment.host)): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, fileName);
  writeFileSync(path, JSON.stringify(results, null, 1) + '\n');
  return path;
}

/** Reads a results file, failing with the path and the problem when it is not one. */
export function readResults(path: string): RunResults {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read bench results ${path}: ${(e as Error).message}`);
  }
  const r = data as Partial<RunResults>;
  if (r === null || typeof r !== 'object' || !Array.isArray(r.suites) || typeof r.schema !== 'number') {
    throw new Error(`${path} is not a bench results file (no schema/suites)`);
  }
  if (r.schema > RESULTS_SCHEMA) throw new Error(`${path} has results schema ${r.schema}; this bench reads up to ${RESULTS_SCHEMA}`);
  return r as RunResults;
}
