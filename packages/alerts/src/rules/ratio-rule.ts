import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { compare } from './compare.js';
import { CounterWindow } from './counter-window.js';
import { metricsNamed } from './metric-index.js';
import type { Evaluation, RuleEvaluator } from './evaluation.js';
import { hasTags, labelsKey } from '../labels.js';
import { readAmount } from './read-stat.js';
import type { RatioRule } from './rule.js';

interface Group {
  readonly labels: Record<string, string>;
  numerator: number;
  denominator: number;
  /** False until a denominator series of the group had data. */
  hasData: boolean;
}

/** `numerator / denominator` per `by` group; groups come from the denominator's series. */
export class RatioEvaluator implements RuleEvaluator {
  readonly #counters = new CounterWindow();

  constructor(readonly rule: RatioRule) {}

  evaluate(snapshot: MetricsSnapshot): Evaluation[] {
    const { ratio, op, threshold } = this.rule;
    const by = ratio.by ?? [];
    this.#counters.begin(snapshot.timestamp);
    const groups = new Map<string, Group>();
    const add = (metricName: string, side: 'numerator' | 'denominator'): void => {
      for (const metric of metricsNamed(snapshot, metricName)) {
        for (const series of metric.series) {
          if (!hasTags(series.tags, ratio.tags)) continue;
          const labels: Record<string, string> = {};
          let complete = true;
          for (const tag of by) {
            const v = series.tags[tag];
            if (v === undefined) complete = false;
            else labels[tag] = v;
          }
          if (!complete) continue;
          const amount = readAmount(snapshot, metric, series, this.#counters);
          const key = labelsKey(labels);
          let group = groups.get(key);
          if (group === undefined) {
            // Errors with no requests behind them cannot form a ratio: groups start at the denominator.
            if (side === 'numerator') continue;
            group = { labels, numerator: 0, denominator: 0, hasData: false };
            groups.set(key, group);
          }
          if (amount === undefined) continue;
          group[side] += amount;
          if (side === 'denominator') group.hasData = true;
        }
      }
    };
    add(ratio.denominator, 'denominator');
    add(ratio.numerator, 'numerator');
    this.#counters.prune(snapshot.timestamp - snapshot.windowMs);
    const out: Evaluation[] = [];
    for (const group of groups.values()) {
      // No traffic means no error rate, not a 0 % one.
      if (!group.hasData || group.denominator <= 0) continue;
      const value = group.numerator / group.denominator;
      out.push({ labels: group.labels, value, threshold, breaching: compare(value, op, threshold) });
    }
    return out;
  }
}
