// The one check every dashboard query and rule goes through: every metric it names is declared by the
// service's /metrics (or recorded by rules.yml, or built into Prometheus), optionally every one of
// them has series, and the expression itself returns data.
import type { LivePrometheus } from './live.js';
import { namePatterns, selectorNames } from './promql.js';

/** Series Prometheus makes itself: `up`, `scrape_*` per target, `ALERTS*` from alerting rules. */
const BUILT_IN = /^(up|scrape_\w+|ALERTS|ALERTS_FOR_STATE)$/;

export interface Known {
  /** Names declared by the service's /metrics. */
  readonly families: ReadonlySet<string>;
  /** Names recorded by rules.yml. */
  readonly records: ReadonlySet<string>;
}

export interface CheckOptions {
  /** Also require series for every metric named (not only for the whole expression). */
  readonly eachSelector: boolean;
  /** How long the expression may take to return data (rates need two scrapes). */
  readonly timeoutMs: number;
  /** Require data from the whole expression (default); an alert's condition is false in a healthy service. */
  readonly wholeExpression?: boolean;
}

/** What is wrong with `expr` against the live Prometheus: an empty list when nothing is. */
export async function problemsOf(prometheus: LivePrometheus, expr: string, known: Known, options: CheckOptions): Promise<string[]> {
  const problems: string[] = [];
  const names = selectorNames(expr);
  const patterns = namePatterns(expr);
  if (names.length === 0 && patterns.length === 0) problems.push(`names no metric: ${expr}`);
  for (const pattern of patterns) {
    if (![...known.families, ...known.records].some((n) => pattern.test(n))) problems.push(`${pattern.source}: matches no name in the service's /metrics nor in rules.yml`);
  }
  for (const name of names) {
    if (!known.families.has(name) && !known.records.has(name) && !BUILT_IN.test(name)) problems.push(`${name}: not in the service's /metrics nor recorded by rules.yml`);
    else if (options.eachSelector && (await prometheus.waitForData(name, options.timeoutMs)).length === 0) problems.push(`${name}: no series`);
  }
  if (options.wholeExpression === false) return problems;
  const result = await prometheus.waitForData(expr, options.timeoutMs);
  if (result.length === 0) problems.push(`no data: ${expr}`);
  else if (result.every((s) => !Number.isFinite(Number(s.value[1])))) problems.push(`only NaN/Inf: ${expr} -> ${JSON.stringify(result)}`);
  return problems;
}
