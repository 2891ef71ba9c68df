/** What one line of the page holds, for one series (tag set) of one metric. */
export type Field = 'rate' | 'value' | 'mean' | 'p50' | 'p95' | 'p99';

/** One series of points: a metric, a field, and a tag set (or every tag set together). */
export interface SeriesInfo {
  /** `metric|field|k=v,k=v` (or `metric|field|*` for every tag set together). */
  readonly key: string;
  readonly metric: string;
  readonly field: Field;
  readonly tags: Readonly<Record<string, string>>;
  /** True for the line that adds up every tag set (rates, means). */
  readonly combined: boolean;
}

export function seriesKey(metric: string, field: Field, tags: Readonly<Record<string, string>> | undefined): string {
  if (tags === undefined) return `${metric}|${field}|*`;
  return `${metric}|${field}|${Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;
}

/** Six significant digits: what a chart can show, in a third of the JSON. */
export function compact(v: number): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : null;
}
