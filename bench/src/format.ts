// Number formatting shared by the harness, the progress line and the reports.

/** ns as the unit that reads best: ns, µs, ms or s. */
export function fmt(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e4) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${ns.toFixed(ns < 10 ? 2 : 1)} ns`;
}

/** A ratio as `1.23x`. */
export function fmtRatio(r: number): string {
  return `${r.toFixed(r < 10 ? 2 : 1)}x`;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
