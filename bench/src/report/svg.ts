// Plain SVG charts drawn from a results file: no library, no network, the same bytes for the same
// input. Log scales throughout (bench figures span 1 ns to seconds).

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

/** Powers of ten covering [lo, hi] (at least one decade). */
function decades(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo));
  let b = Math.ceil(Math.log10(hi));
  if (b <= a) b = a + 1;
  const out: number[] = [];
  for (let e = a; e <= b; e++) out.push(10 ** e);
  return out;
}

/** A tick label: 1, 10, 100, 1k, 10k… with the unit's own steps for ns. */
export function tickLabel(v: number, unit: string): string {
  if (unit === 'ns') {
    if (v >= 1e9) return `${v / 1e9} s`;
    if (v >= 1e6) return `${v / 1e6} ms`;
    if (v >= 1e3) return `${v / 1e3} µs`;
    return `${v} ns`;
  }
  if (unit === 'B') {
    if (v >= 1e9) return `${v / 1e9} GB`;
    if (v >= 1e6) return `${v / 1e6} MB`;
    if (v >= 1e3) return `${v / 1e3} kB`;
    return `${v} B`;
  }
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return String(v);
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Which series (colour); bars of one group sit together. */
  readonly series: string;
}

export interface BarGroup {
  readonly label: string;
  readonly bars: readonly Bar[];
}

/** Horizontal bars on a log axis, grouped (e.g. one group per path: ours clean, ours realistic, the peer). */
export function barChart(title: string, groups: readonly BarGroup[], unit = 'ns'): string {
  const all = groups.flatMap((g) => g.bars).filter((b) => b.value > 0 && Number.isFinite(b.value));
  const series = [...new Set(all.map((b) => b.series))];
  const barH = 14;
  const gap = 10;
  // Text widths estimated at ~7 px per character (12 px sans-serif; a little more for bold).
  const left = 24 + 7.4 * Math.max(10, ...groups.map((g) => g.label.length));
  const labelSpace = 12 + 6.6 * Math.max(10, ...all.map((b) => b.label.length));
  const plotW = 440;
  const width = Math.ceil(Math.max(left + plotW + labelSpace, 860));
  const top = 48 + 18 * Math.ceil(series.length / 3);
  const heights = groups.map((g) => g.bars.length * (barH + 2) + gap);
  const height = top + heights.reduce((a, b) => a + b, 0) + 30;
  const ticks = all.length ? decades(Math.min(...all.map((b) => b.value)), Math.max(...all.map((b) => b.value))) : [1, 10];
  const lo = Math.log10(ticks[0]);
  const hi = Math.log10(ticks[ticks.length - 1]);
  const x = (v: number): number => left + ((Math.log10(v) - lo) / (hi - lo)) * plotW;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`);
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(title)}</text>`);
  series.forEach((s, i) => {
    const lx = 20 + (i % 3) * Math.floor((width - 40) / 3);
    const ly = 38 + 18 * Math.floor(i / 3);
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/><text x="${lx + 18}" y="${ly}">${escapeXml(s)}</text>`);
  });
  const bottom = height - 30;
  for (const t of ticks) {
    out.push(`<line x1="${num(x(t))}" y1="${top - 4}" x2="${num(x(t))}" y2="${bottom}" stroke="#ddd"/>`);
    out.push(`<text x="${num(x(t))}" y="${bottom + 16}" text-anchor="middle" fill="#555">${escapeXml(tickLabel(t, unit))}</text>`);
  }
  let y = top;
  for (const g of groups) {
    out.push(`<text x="${left - 8}" y="${y + barH - 2}" text-anchor="end" font-weight="600">${escapeXml(g.label)}</text>`);
    for (const b of g.bars) {
      if (b.value > 0 && Number.isFinite(b.value)) {
        const color = PALETTE[series.indexOf(b.series) % PALETTE.length];
        const w = Math.max(1, x(b.value) - left);
        out.push(`<rect x="${left}" y="${y}" width="${num(w)}" height="${barH}" fill="${color}"><title>${escapeXml(`${b.label}: ${b.value}`)}</title></rect>`);
        out.push(`<text x="${num(left + w + 4)}" y="${y + barH - 3}" fill="#333">${escapeXml(b.label)}</text>`);
      }
      y += barH + 2;
    }
    y += gap;
  }
  out.push(`<line x1="${left}" y1="${top - 4}" x2="${left}" y2="${bottom}" stroke="#333"/>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

/** Lines on log-log axes (a scaling curve: cost against count). */
export function lineChart(title: string, xLabel: string, yLabel: string, series: readonly LineSeries[], yUnit = 'ns'): string {
  const width = 720;
  const height = 440;
  const left = 80;
  const right = 20;
  const top = 50 + 18 * Math.ceil(series.length / 2);
  const bottom = height - 50;
  const pts = series.flatMap((s) => s.points).filter(([a, b]) => a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b));
  const xt = pts.length ? decades(Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))) : [1, 10];
  const yt = pts.length ? decades(Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))) : [1, 10];
  const lx = [Math.log10(xt[0]), Math.log10(xt[xt.length - 1])];
  const ly = [Math.log10(yt[0]), Math.log10(yt[yt.length - 1])];
  const X = (v: number): number => left + ((Math.log10(v) - lx[0]) / (lx[1] - lx[0])) * (width - left - right);
  const Y = (v: number): number => bottom - ((Math.log10(v) - ly[0]) / (ly[1] - ly[0])) * (bottom - top);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`);
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(title)}</text>`);
  series.forEach((s, i) => {
    const x0 = 20 + (i % 2) * 350;
    const y0 = 40 + 18 * Math.floor(i / 2);
    out.push(`<line x1="${x0}" y1="${y0 - 4}" x2="${x0 + 16}" y2="${y0 - 4}" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2.5"/><text x="${x0 + 22}" y="${y0}">${escapeXml(s.name)}</text>`);
  });
  for (const t of xt) {
    out.push(`<line x1="${num(X(t))}" y1="${top}" x2="${num(X(t))}" y2="${bottom}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${num(X(t))}" y="${bottom + 16}" text-anchor="middle" fill="#555">${escapeXml(tickLabel(t, ''))}</text>`);
  }
  for (const t of yt) {
    out.push(`<line x1="${left}" y1="${num(Y(t))}" x2="${width - right}" y2="${num(Y(t))}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${left - 6}" y="${num(Y(t) + 4)}" text-anchor="end" fill="#555">${escapeXml(tickLabel(t, yUnit))}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${width - left - right}" height="${bottom - top}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${(left + width - right) / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  out.push(`<text x="16" y="${(top + bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(top + bottom) / 2})">${escapeXml(yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const p = s.points.filter(([a, b]) => a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b));
    if (p.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${p.map(([a, b]) => `${num(X(a))},${num(Y(b))}`).join(' ')}"/>`);
    for (const [a, b] of p) out.push(`<circle cx="${num(X(a))}" cy="${num(Y(b))}" r="3.5" fill="${color}"><title>${escapeXml(`${s.name}: ${a} -> ${b}`)}</title></circle>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
