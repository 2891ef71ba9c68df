import type { Unit } from '@rx-telemetry/core';
import { baseUnit } from './units.js';

function snake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A metric name Prometheus accepts and promtool does not lint: snake_case, `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function metricName(raw: string): string {
  // ':' is valid but reserved for recording rules (promtool lints it), so it becomes '_' too.
  const s = snake(raw).replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** A label name: `[a-zA-Z_][a-zA-Z0-9_]*`, snake_case, without the reserved leading `__`. */
export function labelName(raw: string): string {
  let s = snake(raw).replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(s)) s = `_${s}`;
  return s.replace(/^__+/, '_');
}

/** `_seconds` or `_bytes` for a unit (values are converted to the base unit), else ''. */
export function unitSuffix(unit: Unit | undefined): string {
  if (unit === undefined) return '';
  return baseUnit(unit) === 'second' ? '_seconds' : '_bytes';
}

export function withSuffix(name: string, suffix: string): string {
  return suffix === '' || name.endsWith(suffix) ? name : name + suffix;
}
