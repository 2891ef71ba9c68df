import type { CollectedMetric, CollectedSeries, Exemplar, HistogramReading, MetricsVisitor } from '@rx-telemetry/hdr';
import { formatNumber } from './escape.js';
import { exemplarText } from './exemplar.js';
import { QUANTILE_LABELS, toBase, type Family } from './family.js';
import { Output } from './output.js';
import type { PrefixCache } from './prefix-cache.js';

export type Format = 'text' | 'openmetrics';

// QUANTILE_LABELS as percentiles.
const QUANTILES: readonly number[] = Object.freeze([50, 90, 95, 99, 99.9]);

/**
 * Every sample's text up to its value (`name{labels} `), in render order, for one series, then
 * (counter, histogram, summary) its OpenMetrics `_created` sample's. Built once per series and
 * reporter: a scrape then pushes a cached flat prefix and a short number per sample, and joining
 * flat strings is a copy, where joining freshly concatenated ones is not.
 */
export function samplePrefixes(f: Family, labels: string): string[] {
  const lc = labels === '' ? '' : `${labels},`;
  const lb = labels === '' ? ' ' : `{${labels}} `;
  const created = `${f.name}_created${lb}`;
  switch (f.type) {
    case 'counter':
      return [`${f.sample}${lb}`, created];
    case 'gauge':
      return [`${f.sample}${lb}`];
    case 'histogram':
      return [...f.le.map((le) => `${f.name}_bucket{${lc}${le}`), `${f.name}_bucket{${lc}le="+Inf"} `, `${f.name}_sum${lb}`, `${f.name}_count${lb}`, created];
    case 'summary':
      return [...QUANTILE_LABELS.map((q) => `${f.name}{${lc}quantile="${q}"} `), `${f.name}_sum${lb}`, `${f.name}_count${lb}`, created];
  }
}

/** `_created`'s value: seconds since the Unix epoch, to the millisecond. */
function createdText(created: number): string {
  return `${formatNumber(created / 1000)}\n`;
}

/**
 * The exposition of one read, as a `collect()` visitor: each metric's header, then its samples
 * from cached prefixes and freshly formatted numbers. One instance per reporter, reused.
 */
export class Renderer implements MetricsVisitor {
  #out = new Output();
  #format: Format = 'text';
  #om = false;
  #family: Family | undefined = undefined;
  #skipNegative = false;
  readonly #counts: number[] = [];
  readonly #quantiles: number[] = [];

  constructor(
    readonly families: ReadonlyMap<CollectedMetric, Family>,
    readonly prefixes: PrefixCache,
  ) {}

  begin(format: Format): Output {
    this.#out = new Output();
    this.#format = format;
    this.#om = format === 'openmetrics';
    return this.#out;
  }

  /** After the read: the last metric's prefixes are settled. */
  end(): void {
    this.prefixes.end();
  }

  metric(m: CollectedMetric): boolean {
    this.prefixes.begin(m);
    const f = this.families.get(m) as Family;
    this.#family = f;
    this.#out.push(this.#format === 'openmetrics' ? f.omHeader : f.textHeader);
    // OpenMetrics forbids negative counters (a parser rejects the whole exposition): a sum
    // exposed as a counter that went below 0 is left out there, not allowed to fail the scrape.
    this.#skipNegative = this.#format === 'openmetrics' && f.type === 'counter';
    return true;
  }

  value(_m: CollectedMetric, s: CollectedSeries, value: number, exemplar: Exemplar | undefined): void {
    if (this.#skipNegative && value < 0) return;
    const f = this.#family as Family;
    const out = this.#out;
    const p = this.prefixes.get(s, f);
    out.push(p[0]);
    if (!this.#om || f.type !== 'counter') {
      out.push(`${formatNumber(toBase(f, value))}\n`);
      return;
    }
    // OpenMetrics only: the exemplar after a counter's value, then its _created.
    out.push(exemplar === undefined ? `${formatNumber(toBase(f, value))}\n` : `${formatNumber(toBase(f, value))}${exemplarText(exemplar, toBase(f, exemplar.value))}\n`);
    out.push(p[1]);
    out.push(createdText(s.created));
  }

  histogram(_m: CollectedMetric, s: CollectedSeries, r: HistogramReading): void {
    const f = this.#family as Family;
    const out = this.#out;
    const p = this.prefixes.get(s, f);
    const total = r.total;
    const om = this.#om;
    if (f.type === 'histogram') {
      const counts = r.cumulativeCounts(this.#counts);
      const n = f.le.length;
      for (let j = 0; j < n; j++) {
        out.push(p[j]);
        out.push(om ? this.#withExemplar(f, `${counts[j]}`, r.exemplar(j)) : `${counts[j]}\n`);
      }
      const count = `${total.count}\n`;
      out.push(p[n]);
      out.push(om ? this.#withExemplar(f, `${total.count}`, r.exemplar(n)) : count);
      out.push(p[n + 1]);
      out.push(`${formatNumber(toBase(f, total.sum))}\n`);
      out.push(p[n + 2]);
      out.push(count);
      if (om) {
        out.push(p[n + 3]);
        out.push(createdText(s.created));
      }
      return;
    }
    const w = r.window;
    const q = w.percentiles(QUANTILES, this.#quantiles);
    for (let j = 0; j < q.length; j++) {
      out.push(p[j]);
      // An empty window has no quantiles: NaN, as the Go client reports it.
      out.push(w.count === 0 ? 'NaN\n' : `${formatNumber(toBase(f, q[j]))}\n`);
    }
    out.push(p[5]);
    out.push(`${formatNumber(toBase(f, total.sum))}\n`);
    out.push(p[6]);
    out.push(`${total.count}\n`);
    if (this.#om) {
      out.push(p[7]);
      out.push(createdText(s.created));
    }
  }

  #withExemplar(f: Family, sample: string, e: Exemplar | undefined): string {
    return e === undefined ? `${sample}\n` : `${sample}${exemplarText(e, toBase(f, e.value))}\n`;
  }
}
