import type { Attributes } from '@opentelemetry/api';
import type { Metadata } from '@rx-telemetry/core';

/**
 * The primitive values of `metadata` (string, number, boolean) as span attributes. Objects,
 * arrays, null, undefined, bigint and functions are left out: OTel attributes cannot hold them,
 * and stringifying them would put unbounded text on every span. Core's `spanId` and
 * `parentSpanId` are left out too: the OTel span ids and parent link already say the same.
 */
export function toAttributes(metadata: Metadata): Attributes {
  const out: Attributes = {};
  for (const key in metadata) {
    if (key === 'spanId' || key === 'parentSpanId') continue;
    const value = metadata[key];
    const type = typeof value;
    if (type === 'string' || type === 'number' || type === 'boolean') out[key] = value as string | number | boolean;
  }
  return out;
}
