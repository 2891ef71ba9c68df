// `pnpm bench --compare <earlier.json>`: each case's ratio to its peer in this run against the same
// ratio in an earlier run. Ratios, not times: both sides of a ratio ran in the same process, so a
// slower or busier machine moves them far less than it moves absolute times.
import { fmtRatio } from './format.js';
import { peerOf, ratioOf, type SuiteResult } from './harness.js';
import type { RunResults } from './results.js';

export interface RatioChange {
  readonly suite: string;
  readonly name: string;
  readonly peer: string;
  readonly before: number;
  readonly after: number;
  /** after / before - 1: +0.12 is a ratio 12% worse. */
  readonly change: number;
}

export interface Comparison {
  readonly rows: readonly RatioChange[];
  readonly worse: readonly RatioChange[];
  readonly better: readonly RatioChange[];
  /** "suite/case" present now but not in the earlier run (or with another peer there). */
  readonly unmatched: readonly string[];
}

/** Every case's ratio to its peer, keyed by suite, case and peer. */
export function ratios(suite: SuiteResult): Map<string, { name: string; peer: string; ratio: number }> {
  const out = new Map<string, { name: string; peer: string; ratio: number }>();
  const peers = suite.peers ?? [];
  for (const c of suite.cases) {
    const p = peerOf(c, suite.cases, peers);
    if (p === undefined || p === c || !(p.nsPerOp > 0) || !(c.nsPerOp > 0)) continue;
    out.set(`${c.name}\0${p.name}`, { name: c.name, peer: p.name, ratio: ratioOf(c, p) });
  }
  return out;
}

export function compareRuns(before: RunResults, after: RunResults, tolerance = 0.1): Comparison {
  const rows: RatioChange[] = [];
  const unmatched: string[] = [];
  const earlier = new Map(before.suites.map((s) => [s.suite, ratios(s)]));
  for (const s of after.suites) {
    const old = earlier.get(s.suite);
    for (const [key, now] of ratios(s)) {
      const was = old?.get(key);
      if (was === undefined) {
        unmatched.push(`${s.suite}/${now.name}`);
        continue;
      }
      rows.push({ suite: s.suite, name: now.name, peer: now.peer, before: was.ratio, after: now.ratio, change: now.ratio / was.ratio - 1 });
    }
  }
  return {
    rows,
    worse: rows.filter((r) => r.change > tolerance),
    better: rows.filter((r) => r.change < -tolerance),
    unmatched,
  };
}

export function printComparison(c: Comparison, tolerance: number, against: string, out: (line: string) => void = console.log): void {
  out(`\n## compared with ${against} (ratio to peer; worse by more than ${Math.round(tolerance * 100)}% fails)`);
  const line = (r: RatioChange): string =>
    `${r.suite}/${r.name} vs ${r.peer}: ${fmtRatio(r.before)} -> ${fmtRatio(r.after)} (${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(1)}%)`;
  for (const r of c.worse) out(`WORSE   ${line(r)}`);
  for (const r of c.better) out(`better  ${line(r)}`);
  out(`${c.rows.length} ratios compared: ${c.worse.length} worse, ${c.better.length} better, ${c.rows.length - c.worse.length - c.better.length} within ${Math.round(tolerance * 100)}%${c.unmatched.length ? `; ${c.unmatched.length} case(s) not in the earlier run` : ''}`);
}
