// Characters with a meaning in the StatsD line protocol or one of its dialects: ':' ends the name,
// '|' separates fields, '@' starts the sample rate, '#' starts DogStatsD tags, ',' and '=' separate
// Telegraf tags, and any whitespace (newlines above all) would end or split the line.
const UNSAFE = /[:|@#,=\s]/;
const UNSAFE_ALL = /[:|@#,=\s]/g;
// In the standard formatter tag values become name segments: a '.' would add a level.
const UNSAFE_SEGMENT = /[:|@#,=\s.]/;
const UNSAFE_SEGMENT_ALL = /[:|@#,=\s.]/g;

/**
 * Makes a metric name or tag key safe for every formatter: each unsafe character becomes `_`.
 *
 * ```ts
 * sanitizeName('http.req|count:x'); // 'http.req_count_x'
 * ```
 */
export function sanitizeName(value: string): string {
  if (value.length === 0) return '_';
  return UNSAFE.test(value) ? value.replace(UNSAFE_ALL, '_') : value;
}

/**
 * A tag value, for a tag that stays a tag (DogStatsD, Telegraf).
 *
 * ```ts
 * sanitizeTagValue('GET /a,b'); // 'GET_/a_b'
 * ```
 */
export function sanitizeTagValue(value: string): string {
  if (value.length === 0) return '_';
  return UNSAFE.test(value) ? value.replace(UNSAFE_ALL, '_') : value;
}

/**
 * A tag value that becomes one name segment (standard StatsD): also no `.`.
 *
 * ```ts
 * sanitizeSegment('web-1.eu'); // 'web-1_eu'
 * ```
 */
export function sanitizeSegment(value: string): string {
  if (value.length === 0) return '_';
  return UNSAFE_SEGMENT.test(value) ? value.replace(UNSAFE_SEGMENT_ALL, '_') : value;
}
