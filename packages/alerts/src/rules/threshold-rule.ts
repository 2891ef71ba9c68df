import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { compare } from './compare.js';
import { CounterWindow } from './counter-window.js';
import type { Evaluation, RuleEvaluator } from './evaluation.js';
import { forEachStat } from './read-stat.js';
import type { ThresholdRule } from './rule.js';

/** One alert per series of the metric whose stat crosses the threshold. */
export class ThresholdEvaluator implements RuleEvaluator {
  readonly #counters = new CounterWindow();

  constructor(readonly rule: ThresholdRule) {}

  evaluate(snapshot: MetricsSnapshot): Evaluation[] {
    const { metric: name, tags, stat, op, threshold } = this.rule;
    this.#counters.begin(snapshot.timestamp);
    const out: Evaluation[] = [];
    forEachStat(snapshot, name, tags, stat, this.#counters, (series, value) => {
      out.push({ labels: series.tags, value, threshold, breaching: compare(value, op, threshold) });
    });
    this.#counters.prune(snapshot.timestamp - snapshot.windowMs);
    return out;
  }
}
