// --otlp <url>: every span also goes to OpenTelemetry, exported over OTLP/HTTP (JSON).
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Telemetry } from '@rx-telemetry/core';
import { bridgeSpans } from '@rx-telemetry/otel';

export function startOtlp(telemetry: Telemetry, url: string): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'rx-telemetry-demo' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 1000 })],
  });
  trace.setGlobalTracerProvider(provider);
  // Registered before the bridge, so it stops after it: the bridge ends its spans, then the provider sends the last batch.
  telemetry.manage('otel-provider', () => provider.shutdown());
  bridgeSpans(telemetry, { tracer: provider.getTracer('rx-telemetry-demo') });
}
