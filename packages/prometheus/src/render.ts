import { histogramStats, HistogramSeries, type Series, ValueSeries } from '@rx-telemetry/hdr/internal';
import { formatNumber } from './escape.js';
import { QUANTILE_LABELS, type Family } from './family.js';
import type { Output } from './output.js';

export type Format = 'text' | 'openmetrics';

/** Appends one family's samples to `parts`, one string per series. `labelsOf` gives a series' cached `a="x",b="y"` (may be ''). */
export function renderFamily(parts: Output, f: Family, format: Format, epoch: number, labelsOf: (s: Series, f: Family) => string, counts: number[]): void {
  const om = format === 'openmetrics';
  parts.push(om ? f.omHeader : f.textHeader);
  let out: string;
  const st = f.state;
  const all = st.all;
  const conv = f.conv;
  switch (f.type) {
    case 'counter':
    case 'gauge': {
      const head = f.sample;
      for (let i = 0; i < all.length; i++) {
        const s = all[i] as ValueSeries;
        const l = labelsOf(s, f);
        parts.push(`${head}${l === '' ? ' ' : `{${l}} `}${formatNumber(conv === 1 ? s.value : s.value * conv)}\n`);
      }
      return;
    }
    case 'histogram': {
      const bucket = `${f.name}_bucket{`;
      const sumHead = `${f.name}_sum`;
      const countHead = `${f.name}_count`;
      const le = f.le;
      for (let i = 0; i < all.length; i++) {
        const s = all[i] as HistogramSeries;
        const l = labelsOf(s, f);
        const lc = l === '' ? l : `${l},`;
        st.bucketCounts(s, counts);
        out = '';
        for (let j = 0; j < le.length; j++) out += `${bucket}${lc}${le[j]}${counts[j]}\n`;
        const lb = l === '' ? ' ' : `{${l}} `;
        const count = s.count;
        parts.push(`${out}${bucket}${lc}le="+Inf"} ${count}\n${sumHead}${lb}${formatNumber(s.sum * conv)}\n${countHead}${lb}${count}\n`);
      }
      return;
    }
    case 'summary': {
      const head = `${f.name}{`;
      const sumHead = `${f.name}_sum`;
      const countHead = `${f.name}_count`;
      for (let i = 0; i < all.length; i++) {
        const s = all[i] as HistogramSeries;
        const l = labelsOf(s, f);
        const lc = l === '' ? l : `${l},`;
        const w = s.windowView(epoch);
        const q = histogramStats(st.layout, w.chunks, w.count, w.sum, w.min, w.max, st.factor);
        const values = [q.p50, q.p90, q.p95, q.p99, q.p999];
        out = '';
        for (let j = 0; j < values.length; j++) {
          // An empty window has no quantiles: NaN, as the Go client reports it.
          out += `${head}${lc}quantile="${QUANTILE_LABELS[j]}"} ${q.count === 0 ? 'NaN' : formatNumber(values[j] * conv)}\n`;
        }
        const lb = l === '' ? ' ' : `{${l}} `;
        parts.push(`${out}${sumHead}${lb}${formatNumber(s.sum * conv)}\n${countHead}${lb}${s.count}\n`);
      }
      return;
    }
  }
}

export function isValueSeries(s: Series): s is ValueSeries {
  return s instanceof ValueSeries;
}
