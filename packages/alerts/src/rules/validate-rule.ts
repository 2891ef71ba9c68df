import { COMPARISONS, SEVERITIES, STATS, type AlertRule } from './rule.js';

const COMMON = ['name', 'severity', 'forMs', 'labels', 'annotations'];
const THRESHOLD_KEYS = new Set([...COMMON, 'metric', 'tags', 'stat', 'op', 'threshold']);
const RATIO_KEYS = new Set([...COMMON, 'ratio', 'op', 'threshold']);
const ANOMALY_KEYS = new Set([...COMMON, 'anomaly']);

/** Throws a TypeError naming the rule and the problem; returns the rule's kind. */
export function validateRule(rule: unknown, index: number): 'threshold' | 'ratio' | 'anomaly' {
  if (rule === null || typeof rule !== 'object') throw new TypeError(`invalid rule #${index}: must be an object`);
  const r = rule as Record<string, unknown>;
  const label = typeof r.name === 'string' && r.name.length !== 0 ? `invalid rule ${JSON.stringify(r.name)}` : `invalid rule #${index}`;
  const fail = (problem: string): never => {
    throw new TypeError(`${label}: ${problem}`);
  };
  if (typeof r.name !== 'string' || r.name.length === 0) fail('name must be a non-empty string');
  if (!SEVERITIES.includes(r.severity as never)) fail(`severity must be one of ${SEVERITIES.join(', ')}, got ${String(r.severity)}`);
  if (r.forMs !== undefined && !nonNegative(r.forMs)) fail('forMs must be a finite number >= 0');
  if (r.labels !== undefined) stringRecord(r.labels, 'labels', fail);
  if (r.annotations !== undefined) stringRecord(r.annotations, 'annotations', fail);

  const kinds = (['metric', 'ratio', 'anomaly'] as const).filter((k) => r[k] !== undefined);
  if (kinds.length !== 1) fail('needs exactly one of metric (threshold), ratio or anomaly');
  const kind = kinds[0] === 'metric' ? 'threshold' : kinds[0];
  const allowed = kind === 'threshold' ? THRESHOLD_KEYS : kind === 'ratio' ? RATIO_KEYS : ANOMALY_KEYS;
  for (const key of Object.keys(r)) if (!allowed.has(key)) fail(`unknown option ${JSON.stringify(key)} for a ${kind} rule`);

  if (kind !== 'anomaly') {
    if (!COMPARISONS.includes(r.op as never)) fail(`op must be one of ${COMPARISONS.join(' ')}, got ${String(r.op)}`);
    if (typeof r.threshold !== 'number' || !Number.isFinite(r.threshold)) fail('threshold must be a finite number');
  }
  if (kind === 'threshold') {
    if (typeof r.metric !== 'string' || r.metric.length === 0) fail('metric must be a non-empty string');
    if (!STATS.includes(r.stat as never)) fail(`stat must be one of ${STATS.join(', ')}, got ${String(r.stat)}`);
    if (r.tags !== undefined) stringRecord(r.tags, 'tags', fail);
  } else if (kind === 'ratio') {
    const q = r.ratio as Record<string, unknown>;
    if (q === null || typeof q !== 'object') fail('ratio must be an object');
    for (const key of Object.keys(q)) if (!['numerator', 'denominator', 'tags', 'by'].includes(key)) fail(`unknown ratio option ${JSON.stringify(key)}`);
    if (typeof q.numerator !== 'string' || q.numerator.length === 0) fail('ratio.numerator must be a metric name');
    if (typeof q.denominator !== 'string' || q.denominator.length === 0) fail('ratio.denominator must be a metric name');
    if (q.tags !== undefined) stringRecord(q.tags, 'ratio.tags', fail);
    if (q.by !== undefined && (!Array.isArray(q.by) || q.by.some((t) => typeof t !== 'string' || t.length === 0))) {
      fail('ratio.by must be an array of tag names');
    }
  } else {
    const a = r.anomaly as Record<string, unknown>;
    if (a === null || typeof a !== 'object') fail('anomaly must be an object');
    for (const key of Object.keys(a)) {
      if (!['metric', 'stat', 'baselineWindowMs', 'factor', 'tags', 'minSamples'].includes(key)) fail(`unknown anomaly option ${JSON.stringify(key)}`);
    }
    if (typeof a.metric !== 'string' || a.metric.length === 0) fail('anomaly.metric must be a non-empty string');
    if (!STATS.includes(a.stat as never)) fail(`anomaly.stat must be one of ${STATS.join(', ')}, got ${String(a.stat)}`);
    if (typeof a.baselineWindowMs !== 'number' || !(a.baselineWindowMs > 0) || !Number.isFinite(a.baselineWindowMs)) {
      fail('anomaly.baselineWindowMs must be a finite number > 0');
    }
    if (typeof a.factor !== 'number' || !(a.factor > 0) || a.factor === 1 || !Number.isFinite(a.factor)) {
      fail('anomaly.factor must be a finite number > 0 other than 1 (> 1: above the baseline, < 1: below it)');
    }
    if (a.minSamples !== undefined && (!Number.isInteger(a.minSamples) || (a.minSamples as number) < 1)) fail('anomaly.minSamples must be an integer >= 1');
    if (a.tags !== undefined) stringRecord(a.tags, 'anomaly.tags', fail);
  }
  return kind;
}

function nonNegative(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function stringRecord(v: unknown, what: string, fail: (problem: string) => never): void {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`${what} must be an object of strings`);
  for (const [k, value] of Object.entries(v as object)) if (typeof value !== 'string') fail(`${what}.${k} must be a string`);
}
