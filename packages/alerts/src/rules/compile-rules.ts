import { AnomalyEvaluator } from './anomaly-rule.js';
import type { RuleEvaluator } from './evaluation.js';
import { RatioEvaluator } from './ratio-rule.js';
import type { AlertRule, AnomalyRule, RatioRule, ThresholdRule } from './rule.js';
import { ThresholdEvaluator } from './threshold-rule.js';
import { validateRule } from './validate-rule.js';

export interface CompiledRule {
  readonly rule: AlertRule;
  readonly evaluator: RuleEvaluator;
  /** The metric names the rule reads. */
  readonly metrics: readonly string[];
}

/** Validates every rule (a TypeError naming the rule and the problem) and builds its evaluator. */
export function compileRules(rules: unknown): CompiledRule[] {
  if (!Array.isArray(rules)) throw new TypeError('Alerts: rules must be an array');
  const names = new Set<string>();
  return rules.map((rule: AlertRule, i: number) => {
    const kind = validateRule(rule, i);
    if (names.has(rule.name)) throw new TypeError(`invalid rule ${JSON.stringify(rule.name)}: duplicate name`);
    names.add(rule.name);
    if (kind === 'threshold') {
      const r = rule as ThresholdRule;
      return { rule, evaluator: new ThresholdEvaluator(r), metrics: [r.metric] };
    }
    if (kind === 'ratio') {
      const r = rule as RatioRule;
      return { rule, evaluator: new RatioEvaluator(r), metrics: [r.ratio.numerator, r.ratio.denominator] };
    }
    const r = rule as AnomalyRule;
    return { rule, evaluator: new AnomalyEvaluator(r), metrics: [r.anomaly.metric] };
  });
}

/**
 * A rule naming a metric that the aggregator does not define would never fire: a TypeError now,
 * naming the rule, the metric and what is defined.
 */
export function checkMetricsDefined(compiled: readonly CompiledRule[], defined: ReadonlySet<string>): void {
  for (const { rule, metrics } of compiled) {
    for (const metric of metrics) {
      if (defined.has(metric)) continue;
      const known = [...defined].sort().join(', ');
      throw new TypeError(`invalid rule ${JSON.stringify(rule.name)}: no metric definition of the aggregator provides ${JSON.stringify(metric)} (defined: ${known})`);
    }
  }
}
