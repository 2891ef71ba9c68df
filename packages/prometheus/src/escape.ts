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

const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `v` with every lone UTF-16 surrogate (which UTF-8 cannot carry) replaced by U+FFFD, as the wire would. */
export function wellFormed(v: string): string {
  return v.replace(LONE_SURROGATES, '\uFFFD');
}
