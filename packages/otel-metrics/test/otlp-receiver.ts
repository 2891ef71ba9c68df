import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

// The official opentelemetry-proto definitions (test/fixtures/opentelemetry-proto, Apache-2.0).
const PROTO_ROOT = fileURLToPath(new URL('../../test/fixtures/opentelemetry-proto/', import.meta.url));

/** An OTLP/HTTP metrics receiver on 127.0.0.1 that decodes every request with the official .proto files. */
export interface OtlpReceiver {
  readonly url: string;
  /** Each request decoded as ExportMetricsServiceRequest (longs as numbers, bytes as hex). */
  readonly requests: ExportRequest[];
  next(): Promise<ExportRequest>;
  close(): Promise<void>;
}

export interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number; doubleValue?: number; boolValue?: boolean };
}

export interface ExportRequest {
  resourceMetrics: {
    resource: { attributes: KeyValue[] };
    scopeMetrics: { scope: { name: string; version?: string }; metrics: OtlpMetric[] }[];
  }[];
}

export interface OtlpMetric {
  name: string;
  description?: string;
  unit?: string;
  sum?: { dataPoints: NumberPoint[]; aggregationTemporality: number; isMonotonic?: boolean };
  gauge?: { dataPoints: NumberPoint[] };
  histogram?: { dataPoints: HistogramPoint[]; aggregationTemporality: number };
  exponentialHistogram?: { dataPoints: ExponentialPoint[]; aggregationTemporality: number };
}

interface PointBase {
  attributes?: KeyValue[];
  startTimeUnixNano: number;
  timeUnixNano: number;
}

export interface NumberPoint extends PointBase {
  asDouble?: number;
  asInt?: number;
}

export interface HistogramPoint extends PointBase {
  count: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts: number[];
  explicitBounds: number[];
}

export interface ExponentialPoint extends PointBase {
  count: number;
  sum?: number;
  min?: number;
  max?: number;
  scale?: number;
  zeroCount?: number;
  positive?: { offset?: number; bucketCounts: number[] };
}

export function loadRequestType(): protobuf.Type {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => PROTO_ROOT + target;
  root.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto');
  return root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const type = loadRequestType();
  const requests: ExportRequest[] = [];
  const waiting: ((r: ExportRequest) => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/metrics' || req.headers['content-type'] !== 'application/x-protobuf') {
        res.writeHead(400).end();
        return;
      }
      const decoded = type.toObject(type.decode(Buffer.concat(chunks)), { longs: Number, enums: Number, bytes: String, defaults: false, arrays: true }) as ExportRequest;
      requests.push(decoded);
      waiting.shift()?.(decoded);
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end(Buffer.alloc(0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1/metrics`,
    requests,
    next: () => new Promise((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Attributes as a plain object. */
export function attrs(kvs: readonly KeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of kvs ?? []) out[key] = (value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue) as string | number | boolean;
  return out;
}
