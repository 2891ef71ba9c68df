import type { MetricDefinition } from '@rx-telemetry/core';
import type { Aggregator, CollectedSeries } from '@rx-telemetry/hdr';
import { seriesKey, type Field, type SeriesInfo } from './series.js';

const PERCENTILES = [50, 95, 99];
const P_FIELDS: readonly Field[] = ['p50', 'p95', 'p99'];

interface Previous {
  count: number;
  sum: number;
}

/** One reading: a value per series key, and the series seen for the first time. */
export interface Sample {
  readonly t: number;
  readonly values: Map<string, number>;
  readonly found: SeriesInfo[];
}

/**
 * Turns the aggregator's state into points, one reading per interval: counters and sums as
 * rates per second; last values as they are; distributions and summaries as their rate, the mean
 * of the values recorded in the interval, and p50/p95/p99 over the aggregator's sliding window.
 * A metric with tags also gets `combined` rate and mean lines over all its tag sets.
 */
export class Sampler {
  readonly #aggregator: Aggregator;
  readonly #previous = new WeakMap<CollectedSeries, Previous>();
  readonly #known = new Set<string>();
  readonly #out: number[] = [];
  #lastT: number | undefined = undefined;

  constructor(aggregator: Aggregator) {
    this.#aggregator = aggregator;
  }

  /** The definitions, in the aggregator's order. */
  definitions(): MetricDefinition[] {
    const out: MetricDefinition[] = [];
    this.#aggregator.collect({
      metric: (m) => {
        out.push(m.definition);
        return false;
      },
    });
    return out;
  }

  read(t: number): Sample {
    const values = new Map<string, number>();
    const found: SeriesInfo[] = [];
    // Rates need a previous reading: the first one has none (series that appear later start from 0).
    const first = this.#lastT === undefined;
    const dt = first ? NaN : Math.max(1e-3, (t - (this.#lastT as number)) / 1000);
    this.#lastT = t;
    const put = (metric: string, field: Field, tags: Readonly<Record<string, string>> | undefined, v: number): void => {
      const key = seriesKey(metric, field, tags);
      if (!this.#known.has(key)) {
        this.#known.add(key);
        found.push({ key, metric, field, tags: tags ?? {}, combined: tags === undefined });
      }
      values.set(key, v);
    };
    let combined: { count: number; sum: number; rate: number } | undefined;
    let current: MetricDefinition | undefined;
    const flush = (): void => {
      if (current !== undefined && combined !== undefined && current.tags.length > 0) {
        const name = current.name;
        if (current.type === 'counter' || current.type === 'sum') put(name, 'rate', undefined, combined.rate);
        else if (current.type === 'distribution' || current.type === 'summary') {
          put(name, 'rate', undefined, combined.count / dt);
          put(name, 'mean', undefined, combined.count > 0 ? combined.sum / combined.count : NaN);
        }
      }
      combined = undefined;
    };
    this.#aggregator.collect({
      metric: (m) => {
        flush();
        current = m.definition;
        combined = { count: 0, sum: 0, rate: 0 };
      },
      value: (m, series, value) => {
        const def = m.definition;
        if (def.type === 'lastValue') return put(def.name, 'value', series.tags, value);
        const prev = this.#previous.get(series);
        const before = prev?.sum ?? (first ? NaN : 0);
        if (prev === undefined) this.#previous.set(series, { count: 0, sum: value });
        else prev.sum = value;
        const rate = (value - before) / dt;
        put(def.name, 'rate', series.tags, rate);
        if (combined !== undefined) combined.rate += rate;
      },
      histogram: (m, series, reading) => {
        const def = m.definition;
        const { count, sum } = reading.total;
        const prev = this.#previous.get(series);
        const dCount = count - (prev?.count ?? (first ? NaN : 0));
        const dSum = sum - (prev?.sum ?? (first ? NaN : 0));
        if (prev === undefined) this.#previous.set(series, { count, sum });
        else {
          prev.count = count;
          prev.sum = sum;
        }
        put(def.name, 'rate', series.tags, dCount / dt);
        put(def.name, 'mean', series.tags, dCount > 0 ? dSum / dCount : NaN);
        if (combined !== undefined && Number.isFinite(dCount)) {
          combined.count += dCount;
          combined.sum += dSum;
        }
        const window = reading.window;
        if (window.count === 0) for (const f of P_FIELDS) put(def.name, f, series.tags, NaN);
        else {
          window.percentiles(PERCENTILES, this.#out);
          for (let i = 0; i < P_FIELDS.length; i++) put(def.name, P_FIELDS[i], series.tags, this.#out[i]);
        }
      },
    });
    flush();
    return { t, values, found };
  }
}
