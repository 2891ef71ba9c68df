import type { Exemplar } from '@rx-telemetry/hdr';
import { escapeLabelValue, formatNumber } from './escape.js';

/** OpenMetrics caps an exemplar's label set at 128 UTF-8 characters (names and values together). */
export const MAX_EXEMPLAR_LABEL_CHARS = 128;

/**
 * ` # {trace_id="…",span_id="…"} value timestamp`, what OpenMetrics writes after a counter's or a
 * bucket's value; '' when the labels would pass the 128-character cap (W3C ids never do: 63).
 * `value` is in the exposed (base) unit; the timestamp in seconds since the Unix epoch.
 */
export function exemplarText(e: Exemplar, value: number): string {
  const traceId = escapeLabelValue(e.traceId);
  const spanId = escapeLabelValue(e.spanId);
  // Label names (trace_id + span_id = 15) and values, counted in code points as OpenMetrics does.
  if (15 + [...e.traceId].length + [...e.spanId].length > MAX_EXEMPLAR_LABEL_CHARS) return '';
  return ` # {trace_id="${traceId}",span_id="${spanId}"} ${formatNumber(value)} ${formatNumber(e.timestamp / 1000)}`;
}
