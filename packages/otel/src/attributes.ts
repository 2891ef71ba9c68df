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

/**
 * The semantic-convention name of a metadata key for a value of `type`, or undefined. A switch on
 * the key (interned strings: pointer comparisons) costs a few ns where a Map lookup per key cost
 * ~10; a test checks it against SEMANTIC_ATTRIBUTES entry by entry.
 */
function semanticName(key: string, value: unknown, type: string): string | undefined {
  switch (key) {
    case 'route':
      return type === 'string' ? 'http.route' : undefined;
    case 'method':
      return type === 'string' ? 'http.request.method' : undefined;
    case 'status':
    case 'statusCode':
      return Number.isInteger(value) ? 'http.response.status_code' : undefined;
    case 'url':
      return type === 'string' ? 'url.full' : undefined;
    case 'path':
      return type === 'string' ? 'url.path' : undefined;
    case 'query':
      return type === 'string' ? 'url.query' : undefined;
    case 'scheme':
      return type === 'string' ? 'url.scheme' : undefined;
    case 'userAgent':
      return type === 'string' ? 'user_agent.original' : undefined;
    case 'clientAddress':
      return type === 'string' ? 'client.address' : undefined;
    case 'serverAddress':
      return type === 'string' ? 'server.address' : undefined;
    case 'serverPort':
      return Number.isInteger(value) ? 'server.port' : undefined;
    default:
      return undefined;
  }
}

/** The SpanKind a span's start metadata asks for (`kind: 'server' | 'client' | 'producer' | 'consumer' | 'internal'`); INTERNAL otherwise. */
export function spanKindOf(metadata: Metadata): SpanKind {
  const kind = metadata.kind;
  if (kind === undefined) return SpanKind.INTERNAL;
  switch (kind) {
    case 'server':
      return SpanKind.SERVER;
    case 'client':
      return SpanKind.CLIENT;
    case 'producer':
      return SpanKind.PRODUCER;
    case 'consumer':
      return SpanKind.CONSUMER;
    default:
      return SpanKind.INTERNAL;
  }
}

function isKind(value: unknown): boolean {
  return value === 'server' || value === 'client' || value === 'producer' || value === 'consumer' || value === 'internal';
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
    if (start && key === 'kind' && isKind(value)) continue;
    out[semanticName(key, value, type) ?? key] = value as string | number | boolean;
  }
  return out;
}
