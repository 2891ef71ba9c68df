import { trace, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Telemetry, type EventName } from '@rx-telemetry/core';
import { expect } from 'chai';
import { bridgeSpans, type BridgeSpansOptions } from '../src/index.js';

describe('bridgeSpans: options', () => {
  const bad: [string, BridgeSpansOptions, RegExp][] = [
    ['an empty prefixes list', { prefixes: [] }, /prefixes must be a non-empty array/],
    ['a prefix with an empty segment', { prefixes: [['db', '']] }, /prefixes\[0\] must be a non-empty array of non-empty strings/],
    ['a prefix that is a string', { prefixes: ['db' as unknown as EventName] }, /prefixes\[0\]/],
    ['orphanTimeoutMs 0', { orphanTimeoutMs: 0 }, /orphanTimeoutMs must be a positive number/],
    ['a negative orphanTimeoutMs', { orphanTimeoutMs: -5 }, /got -5/],
    ['orphanTimeoutMs NaN', { orphanTimeoutMs: NaN }, /got NaN/],
    ['orphanTimeoutMs as a string', { orphanTimeoutMs: '1000' as unknown as number }, /got 1000/],
    ['an orphanTimeoutMs beyond what timers can wait', { orphanTimeoutMs: 1e13 }, /up to 8589934588/],
    ['a tracer that is not a Tracer', { tracer: {} as Tracer }, /options.tracer must be an OpenTelemetry Tracer/],
    ['includeTelemetrySpans that is not a boolean', { includeTelemetrySpans: 'yes' as unknown as boolean }, /includeTelemetrySpans must be a boolean, got yes/],
  ];
  for (const [what, options, message] of bad) {
    it(`throws a TypeError for ${what}`, () => {
      expect(() => bridgeSpans(new Telemetry(), options)).to.throw(TypeError, message);
    });
  }

  it('throws a TypeError for something that is not a Telemetry', () => {
    expect(() => bridgeSpans({} as Telemetry)).to.throw(TypeError, /telemetry must be a Telemetry instance/);
  });

  it('registers nothing when the options are invalid', () => {
    const t = new Telemetry();
    expect(() => bridgeSpans(t, { orphanTimeoutMs: -1 })).to.throw(TypeError);
    expect(t.span(['x'], {}, (scope) => scope.spanId)).to.equal(0);
  });

  it('uses the global tracer provider when no tracer is given', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    try {
      const t = new Telemetry();
      const bridge = bridgeSpans(t);
      t.span(['global'], {}, () => undefined);
      void bridge.stop();
      const [span] = exporter.getFinishedSpans();
      expect([span?.name, span?.instrumentationScope.name]).to.deep.equal(['global', '@rx-telemetry/otel']);
    } finally {
      trace.disable();
    }
  });
});
