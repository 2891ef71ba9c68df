import { labelsKey } from '../labels.js';

interface Sample {
  readonly t: number;
  readonly v: number;
}

/**
 * Turns cumulative counter values into increases over the snapshot window: snapshots carry a
 * counter's total since the aggregator started, an alert wants what happened recently.
 */
export class CounterWindow {
  readonly #samples = new Map<string, Sample[]>();
  #firstSnapshot: number | undefined;
  #previousSnapshot: number | undefined;
  #currentSnapshot: number | undefined;

  /** Call once per snapshot, before `observe`. */
  begin(timestamp: number): void {
    this.#firstSnapshot ??= timestamp;
    if (this.#currentSnapshot !== timestamp) this.#previousSnapshot = this.#currentSnapshot;
    this.#currentSnapshot = timestamp;
  }

  /**
   * Records `value` for the series and returns its increase over `windowMs` and the time that
   * increase spans, or `undefined` without two samples (or right after a counter reset).
   */
  observe(metric: string, tags: Readonly<Record<string, string>>, value: number, windowMs: number): { increase: number; elapsedMs: number } | undefined {
    const t = this.#currentSnapshot ?? 0;
    const key = `${metric}\u0002${labelsKey(tags)}`;
    let samples = this.#samples.get(key);
    if (samples === undefined) {
      samples = [];
      // A series that appears after the first snapshot was created by its first event: it was 0
      // at the previous snapshot. Series present from the start have an unknown past.
      if (this.#previousSnapshot !== undefined && t !== this.#firstSnapshot) samples.push({ t: this.#previousSnapshot, v: 0 });
      this.#samples.set(key, samples);
    }
    const last = samples[samples.length - 1];
    if (last !== undefined && last.t === t) {
      samples[samples.length - 1] = { t, v: value };
    } else if (last !== undefined && value < last.v) {
      samples.length = 0;
      samples.push({ t, v: value });
      return undefined;
    } else {
      samples.push({ t, v: value });
    }
    // Keep one sample at or before the window's start as the base of the increase.
    while (samples.length > 2 && samples[1].t <= t - windowMs) samples.shift();
    if (samples.length < 2) return undefined;
    const base = samples[0];
    return { increase: value - base.v, elapsedMs: t - base.t };
  }

  /** Forgets series not seen since `before` (they were removed from the snapshots). */
  prune(before: number): void {
    for (const [key, samples] of this.#samples) {
      if (samples[samples.length - 1].t < before) this.#samples.delete(key);
    }
  }
}
