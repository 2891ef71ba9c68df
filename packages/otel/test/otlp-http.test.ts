import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Telemetry, withCorrelation, type Measurements } from '@rx-telemetry/core';
import { expect } from 'chai';
import { setImmediate as tick } from 'node:timers/promises';
import { bridgeSpans } from '../src/index.js';
import { attribute, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from '@rx-telemetry/devkit/otlp-receiver';
import { withContextManager } from './tracing.js';

describe('bridgeSpans through OTLP/HTTP JSON to a real receiver', () => {
  withContextManager();
  let receiver: OtlpReceiver;
  let spans: OtlpSpan[];
  const stops = new Map<string, Measurements>();
  const starts = new Map<string, Measurements>();

  before(async () => {
    receiver = await startOtlpReceiver();
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: receiver.url }))] });
    const t = new Telemetry();
    for (const name of ['request', 'db', 'fail']) {
      t.attach(`start-${name}`, [name, 'start'], (_e, m) => starts.set(name, m));
      t.attach(`stop-${name}`, [name, 'stop'], (_e, m) => stops.set(name, m));
      t.attach(`exception-${name}`, [name, 'exception'], (_e, m) => stops.set(name, m));
    }
    const tracer = provider.getTracer('otlp-test');
    const bridge = bridgeSpans(t, { tracer });
    await withCorrelation('req-7', () =>
      t.span(['request'], { route: '/users' }, async () => {
        await tick();
        await t.span(['db'], { table: 'users' }, async () => {
          await tick();
          tracer.startSpan('user.cache').end();
        });
        await t.span(['fail'], {}, async () => {
          await tick();
          throw new Error('upstream 503');
        }).catch(() => undefined);
      }),
    );
    void bridge.stop();
    await provider.forceFlush();
    spans = await receiver.waitFor(4);
    await provider.shutdown();
  });
  after(() => receiver.close());

  const byName = (name: string): OtlpSpan => {
    const found = spans.filter((s) => s.name === name);
    expect(found, name).to.have.length(1);
    return found[0];
  };

  it('receives every span as JSON', () => {
    expect([spans.map((s) => s.name).sort(), receiver.contentTypes.every((c) => c.startsWith('application/json'))]).to.deep.equal([
      ['db', 'fail', 'request', 'user.cache'],
      true,
    ]);
  });

  it('puts all spans in the request trace', () => {
    expect(new Set(spans.map((s) => s.traceId)).size).to.equal(1);
    expect(byName('request').traceId).to.match(/^[0-9a-f]{32}$/);
  });

  it('links children to their parents by span id', () => {
    const request = byName('request');
    const db = byName('db');
    expect([request.parentSpanId || undefined, byName('db').parentSpanId, byName('fail').parentSpanId, byName('user.cache').parentSpanId]).to.deep.equal([
      undefined,
      request.spanId,
      request.spanId,
      db.spanId,
    ]);
  });

  it('carries the core durations exactly in the start and end times', () => {
    for (const name of ['request', 'db', 'fail']) {
      const span = byName(name);
      expect(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano), name).to.equal(BigInt(stops.get(name)?.duration ?? -1));
    }
  });

  it('starts each span at its start event time', () => {
    for (const name of ['request', 'db', 'fail']) {
      const startMs = Number(BigInt(byName(name).startTimeUnixNano) / 1000n) / 1000;
      expect(Math.abs(startMs - (starts.get(name)?.systemTime ?? NaN)), name).to.be.at.most(0.5);
    }
  });

  it('orders child times inside the parent', () => {
    const request = byName('request');
    const db = byName('db');
    expect(BigInt(db.startTimeUnixNano) >= BigInt(request.startTimeUnixNano)).to.equal(true);
    expect(BigInt(db.endTimeUnixNano) <= BigInt(request.endTimeUnixNano)).to.equal(true);
  });

  it('marks the failed span ERROR with the message and an exception event', () => {
    const fail = byName('fail');
    expect([fail.status?.code, fail.status?.message, fail.events?.map((e) => e.name)]).to.deep.equal([SpanStatusCode.ERROR, 'upstream 503', ['exception']]);
    expect(byName('request').status?.code ?? SpanStatusCode.UNSET).to.equal(SpanStatusCode.UNSET);
  });

  it('carries metadata (route as http.route) and the correlation id as attributes', () => {
    expect([attribute(byName('request'), 'http.route'), attribute(byName('db'), 'table'), attribute(byName('db'), 'correlationId')]).to.deep.equal([
      '/users',
      'users',
      'req-7',
    ]);
  });
});
