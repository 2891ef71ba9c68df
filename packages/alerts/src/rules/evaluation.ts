import type { MetricsSnapshot } from '@rx-telemetry/hdr';

/** The outcome of one rule for one label set at one snapshot. */
export interface Evaluation {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly threshold: number;
  readonly breaching: boolean;
}

/** One rule kind's logic; it may keep state between snapshots (counter history, baselines). */
export interface RuleEvaluator {
  /** Label sets without data are left out: they count as not breaching. */
  evaluate(snapshot: MetricsSnapshot): Evaluation[];
}
