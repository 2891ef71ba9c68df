/** A label value inside double quotes: backslash, double quote and newline escaped. */
export function escapeLabelValue(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

/**
 * HELP text. The 0.0.4 text format knows only `\\` and `\n` there (promtool rejects `\"`);
 * OpenMetrics escapes the double quote as well.
 */
export function escapeHelp(v: string, openMetrics: boolean): string {
  const s = v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return openMetrics ? s.replace(/"/g, '\\"') : s;
}

/** A sample value or bound in Go's float syntax. */
export function formatNumber(n: number): string {
  if (Number.isFinite(n)) return String(n);
  return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
}
