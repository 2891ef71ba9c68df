import { histogramStats, HistogramSeries, type Series, ValueSeries } from '@rx-telemetry/hdr/internal';
import { formatNumber } from './escape.js';
import { QUANTILE_LABELS, toBase, type Family } from './family.js';
import type { Output } from './output.js';

export type Format = 'text' | 'openmetrics';

/**
 * Every sample's text up to its value (`name{labels} `), in render order, for one series. Built
 * once per series and reporter: a scrape then pushes a cached flat prefix and a short number per
 * sample, and joining flat strings is a copy, where joining freshly concatenated ones is not.
 */
export function samplePrefixes(f: Family, labels: string): string[] {
  const lc = labels === '' ? '' : `${labels},`;
  const lb = labels === '' ? ' ' : `{${labels}} `;
  switch (f.type) {
    case 'counter':
    case 'gauge':
      return [`${f.sample}${lb}`];
    case 'histogram':
      return [...f.le.map((le) => `${f.name}_bucket{${lc}${le}`), `${f.name}_bucket{${lc}le="+Inf"} `, `${f.name}_sum${lb}`, `${f.name}_count${lb}`];
    case 'summary':
      return [...QUANTILE_LABELS.map((q) => `${f.name}{${lc}quantile="${q}"} `), `${f.name}_sum${lb}`, `${f.name}_count${lb}`];
  }
}

/** Appends one family's header and samples. `prefixesOf` gives a series' cached samplePrefixes. */
export function renderFamily(out: Output, f: Family, format: Format, epoch: number, prefixesOf: (s: Series, f: Family) => readonly string[], counts: number[]): void {
  out.push(format === 'openmetrics' ? f.omHeader : f.textHeader);
  const st = f.state;
  const all = st.all;
  switch (f.type) {
    case 'counter':
    case 'gauge': {
      // OpenMetrics forbids negative counters (a parser rejects the whole exposition): a sum
      // exposed as a counter that went below 0 is left out there, not allowed to fail the scrape.
      const skipNegative = format === 'openmetrics' && f.type === 'counter';
      for (let i = 0; i < all.length; i++) {
        const s = all[i] as ValueSeries;
        if (skipNegative && s.value < 0) continue;
        out.push(prefixesOf(s, f)[0]);
        out.push(`${formatNumber(toBase(f, s.value))}\n`);
      }
      return;
    }
    case 'histogram': {
      const n = f.le.length;
      for (let i = 0; i < all.length; i++) {
        const s = all[i] as HistogramSeries;
        const p = prefixesOf(s, f);
        st.bucketCounts(s, counts);
        for (let j = 0; j < n; j++) {
          out.push(p[j]);
          out.push(`${counts[j]}\n`);
        }
        const count = `${s.count}\n`;
        out.push(p[n]);
        out.push(count);
        out.push(p[n + 1]);
        out.push(`${formatNumber(toBase(f, s.sum))}\n`);
        out.push(p[n + 2]);
        out.push(count);
      }
      return;
    }
    case 'summary': {
      for (let i = 0; i < all.length; i++) {
        const s = all[i] as HistogramSeries;
        const p = prefixesOf(s, f);
        const w = s.windowView(epoch);
        const q = histogramStats(st.layout, w.chunks, w.count, w.sum, w.min, w.max, st.factor);
        const values = [q.p50, q.p90, q.p95, q.p99, q.p999];
        for (let j = 0; j < values.length; j++) {
          out.push(p[j]);
          // An empty window has no quantiles: NaN, as the Go client reports it.
          out.push(q.count === 0 ? 'NaN\n' : `${formatNumber(toBase(f, values[j]))}\n`);
        }
        out.push(p[5]);
        out.push(`${formatNumber(toBase(f, s.sum))}\n`);
        out.push(p[6]);
        out.push(`${s.count}\n`);
      }
      return;
    }
  }
}

export function isValueSeries(s: Series): s is ValueSeries {
  return s instanceof ValueSeries;
}
