import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { CounterWindow } from './counter-window.js';
import type { Evaluation, RuleEvaluator } from './evaluation.js';
import { labelsKey } from '../labels.js';
import { forEachStat } from './read-stat.js';
import type { AnomalyRule } from './rule.js';

interface Sample {
  readonly t: number;
  readonly v: number;
}

const DEFAULT_MIN_SAMPLES = 3;

/** Each series against the mean of its own recent normal values. */
export class AnomalyEvaluator implements RuleEvaluator {
  readonly #counters = new CounterWindow();
  readonly #baselines = new Map<string, Sample[]>();

  constructor(readonly rule: AnomalyRule) {}

  evaluate(snapshot: MetricsSnapshot): Evaluation[] {
    const { metric: name, stat, tags, baselineWindowMs, factor } = this.rule.anomaly;
    const minSamples = this.rule.anomaly.minSamples ?? DEFAULT_MIN_SAMPLES;
    const t = snapshot.timestamp;
    this.#counters.begin(t);
    const out: Evaluation[] = [];
    forEachStat(snapshot, name, tags, stat, this.#counters, (series, value) => {
      const key = labelsKey(series.tags);
      let samples = this.#baselines.get(key);
      if (samples === undefined) {
        samples = [];
        this.#baselines.set(key, samples);
      }
      while (samples.length !== 0 && samples[0].t < t - baselineWindowMs) samples.shift();
      if (samples.length < minSamples) {
        samples.push({ t, v: value });
        return;
      }
      let sum = 0;
      for (const s of samples) sum += s.v;
      const threshold = (sum / samples.length) * factor;
      const breaching = factor > 1 ? value > threshold : value < threshold;
      // An anomaly must not teach the baseline that it is normal.
      if (!breaching) samples.push({ t, v: value });
      out.push({ labels: series.tags, value, threshold, breaching });
    });
    this.#counters.prune(t - snapshot.windowMs);
    for (const [key, samples] of this.#baselines) {
      if (samples.length === 0 || samples[samples.length - 1].t < t - baselineWindowMs) this.#baselines.delete(key);
    }
    return out;
  }
}
