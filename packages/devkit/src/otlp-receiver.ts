// The one OTLP/HTTP JSON trace receiver the tests use (otel's bridge, the examples, the demo): a
// collector stands in nowhere here, so a small server on 127.0.0.1 decoding the JSON is the peer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as OTLP/HTTP JSON carries it (only the fields the tests read). */
export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind?: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly status?: { readonly code?: number; readonly message?: string };
  readonly attributes?: readonly { readonly key: string; readonly value: Record<string, unknown> }[];
  readonly events?: readonly { readonly name: string }[];
}

interface OtlpTraceRequest {
  readonly resourceSpans?: readonly { readonly scopeSpans?: readonly { readonly spans?: readonly OtlpSpan[] }[] }[];
}

/** A minimal OTLP/HTTP JSON trace receiver on 127.0.0.1: decodes every POST to /v1/traces. */
export interface OtlpReceiver {
  /** The traces URL (…/v1/traces), for `OTLPTraceExporter({ url })`. */
  readonly url: string;
  /** The base URL, for `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporter appends /v1/traces). */
  readonly endpoint: string;
  readonly spans: OtlpSpan[];
  readonly contentTypes: string[];
  /** Resolves once at least `count` spans have arrived. */
  waitFor(count: number): Promise<OtlpSpan[]>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: OtlpSpan[] = [];
  const contentTypes: string[] = [];
  const waiters: { count: number; resolve: (s: OtlpSpan[]) => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      contentTypes.push(req.headers['content-type'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpTraceRequest;
      for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      for (const w of waiters.splice(0)) {
        if (spans.length >= w.count) w.resolve(spans);
        else waiters.push(w);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    waitFor: (count) => (spans.length >= count ? Promise.resolve(spans) : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** An attribute's value, whatever its OTLP JSON type field. */
export function attribute(span: OtlpSpan, key: string): unknown {
  const found = span.attributes?.find((a) => a.key === key);
  if (found === undefined) return undefined;
  const v = found.value;
  return v.stringValue ?? v.boolValue ?? (v.intValue === undefined ? v.doubleValue : Number(v.intValue));
}
