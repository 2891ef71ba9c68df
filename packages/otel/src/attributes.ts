import { SpanKind, type Attributes } from '@opentelemetry/api';
import type { Metadata } from '@rx-telemetry/core';

/**
 * Metadata keys renamed to OpenTelemetry semantic-convention attribute names (HTTP and URL,
 * stable since semconv 1.23). `integer` keys are renamed only for an integer value (a `status`
 * of `'done'` stays `status`); the others only for a string. Every other key is kept as it is.
 */
export const SEMANTIC_ATTRIBUTES: Readonly<Record<string, { readonly name: string; readonly type: 'string' | 'integer' }>> = Object.freeze({
  route: { name: 'http.route', type: 'string' },
  method: { name: 'http.request.method', type: 'string' },
  status: { name: 'http.response.status_code', type: 'integer' },
  statusCode: { name: 'http.response.status_code', type: 'integer' },
  url: { name: 'url.full', type: 'string' },
  path: { name: 'url.path', type: 'string' },
  query: { name: 'url.query', type: 'string' },
  scheme: { name: 'url.scheme', type: 'string' },
  userAgent: { name: 'user_agent.original', type: 'string' },
  clientAddress: { name: 'client.address', type: 'string' },
  serverAddress: { name: 'server.address', type: 'string' },
  serverPort: { name: 'server.port', type: 'integer' },
});

const RENAMES = new Map(Object.entries(SEMANTIC_ATTRIBUTES));

const KINDS: ReadonlyMap<unknown, SpanKind> = new Map<unknown, SpanKind>([
  ['server', SpanKind.SERVER],
  ['client', SpanKind.CLIENT],
  ['producer', SpanKind.PRODUCER],
  ['consumer', SpanKind.CONSUMER],
  ['internal', SpanKind.INTERNAL],
]);

/** The SpanKind a span's start metadata asks for (`kind: 'server' | 'client' | 'producer' | 'consumer' | 'internal'`); INTERNAL otherwise. */
export function spanKindOf(metadata: Metadata): SpanKind {
  return KINDS.get(metadata.kind) ?? SpanKind.INTERNAL;
}

/**
 * The primitive values of `metadata` (string, number, boolean) as span attributes, the keys of
 * SEMANTIC_ATTRIBUTES under their semantic-convention names. Objects, arrays, null, undefined,
 * bigint and functions are left out: OTel attributes cannot hold them, and stringifying them
 * would put unbounded text on every span. Core's `spanId` and `parentSpanId` are left out too:
 * the OTel span ids and parent link already say the same. At the start (`start`), a `kind`
 * that names a SpanKind is the span's kind, not an attribute.
 */
export function toAttributes(metadata: Metadata, start: boolean): Attributes {
  const out: Attributes = {};
  for (const key in metadata) {
    if (key === 'spanId' || key === 'parentSpanId') continue;
    const value = metadata[key];
    const type = typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean') continue;
    if (start && key === 'kind' && KINDS.has(value)) continue;
    const rename = RENAMES.get(key);
    if (rename !== undefined && (rename.type === 'string' ? type === 'string' : Number.isInteger(value))) out[rename.name] = value as string | number;
    else out[key] = value as string | number | boolean;
  }
  return out;
}
