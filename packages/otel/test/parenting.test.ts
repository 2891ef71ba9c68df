import { context, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { setImmediate as tick } from 'node:timers/promises';
import { bridgeSpans } from '../src/index.js';
import { inMemoryTracing, withContextManager } from './tracing.js';

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

function ids(span: ReadableSpan): { traceId: string; spanId: string } {
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

describe('bridgeSpans: parents', () => {
  describe('with a context manager', () => {
    withContextManager();

    it('makes a nested span() a child of the enclosing one, in the same trace', () => {
      const t = new Telemetry();
      const tracing = inMemoryTracing();
      const bridge = bridgeSpans(t, { tracer: tracing.tracer });
      t.span(['outer'], {}, () => t.span(['inner'], {}, () => undefined));
      void bridge.stop();
      const [outer, inner] = [tracing.one('outer'), tracing.one('inner')];
      expect([parentOf(inner), ids(inner).traceId, parentOf(outer)]).to.deep.equal([ids(outer).spanId, ids(outer).traceId, undefined]);
    });

    it('keeps the parent across await', async () => {
      const t = new Telemetry();
      const tracing = inMemoryTracing();
      const bridge = bridgeSpans(t, { tracer: tracing.tracer });
      await t.span(['request'], {}, async () => {
        await tick();
        await t.span(['db'], {}, async () => {
          await tick();
          await t.span(['db', 'row'], {}, async () => tick());
        });
      });
      void bridge.stop();
      const [request, db, row] = [tracing.one('request'), tracing.one('db'), tracing.one('db.row')];
      expect([parentOf(db), parentOf(row)]).to.deep.equal([ids(request).spanId, ids(db).spanId]);
    });

    it('makes an OTel span started by user code inside the callback a child of the bridged span', async () => {
      const t = new Telemetry();
      const tracing = inMemoryTracing();
      const bridge = bridgeSpans(t, { tracer: tracing.tracer });
      await t.span(['handler'], {}, async () => {
        await tick();
        tracing.tracer.startActiveSpan('user.work', (span) => span.end());
        tracing.tracer.startSpan('user.plain').end();
      });
      void bridge.stop();
      const handler = ids(tracing.one('handler')).spanId;
      expect([parentOf(tracing.one('user.work')), parentOf(tracing.one('user.plain'))]).to.deep.equal([handler, handler]);
    });

    it('makes a span() inside a user OTel span a child of that span', () => {
      const t = new Telemetry();
      const tracing = inMemoryTracing();
      const bridge = bridgeSpans(t, { tracer: tracing.tracer });
      tracing.tracer.startActiveSpan('http.request', (span) => {
        t.span(['db', 'query'], {}, () => undefined);
        span.end();
      });
      void bridge.stop();
      const http = tracing.one('http.request');
      const db = tracing.one('db.query');
      expect([parentOf(db), ids(db).traceId]).to.deep.equal([ids(http).spanId, ids(http).traceId]);
    });

    it('keeps sibling spans of concurrent requests under their own parents', async () => {
      const t = new Telemetry();
      const tracing = inMemoryTracing();
      const bridge = bridgeSpans(t, { tracer: tracing.tracer });
      await Promise.all(
        ['a', 'b'].map((who) =>
          t.span(['req', who], {}, async () => {
            await tick();
            await t.span(['step', who], {}, async () => tick());
          }),
        ),
      );
      void bridge.stop();
      for (const who of ['a', 'b']) expect(parentOf(tracing.one(`step.${who}`))).to.equal(ids(tracing.one(`req.${who}`)).spanId);
      expect(ids(tracing.one('req.a')).traceId).to.not.equal(ids(tracing.one('req.b')).traceId);
    });

    it('restores the outer OTel context after the callback', () => {
      const t = new Telemetry();
      const tracing = inMemoryTracing();
      const bridge = bridgeSpans(t, { tracer: tracing.tracer });
      const before = trace.getSpan(context.active());
      let inside: string | undefined;
      t.span(['x'], {}, () => (inside = trace.getSpan(context.active())?.spanContext().spanId));
      const after = trace.getSpan(context.active());
      void bridge.stop();
      expect([before, inside, after]).to.deep.equal([undefined, ids(tracing.one('x')).spanId, undefined]);
    });
  });

  describe('without a context manager', () => {
    it('still parents nested span() calls through core span ids', async () => {
      const t = new Telemetry();
      const tracing = inMemoryTracing();
      const bridge = bridgeSpans(t, { tracer: tracing.tracer });
      await t.span(['outer'], {}, async () => {
        await tick();
        await t.span(['inner'], {}, async () => tick());
      });
      void bridge.stop();
      expect(parentOf(tracing.one('inner'))).to.equal(ids(tracing.one('outer')).spanId);
    });
  });
});
