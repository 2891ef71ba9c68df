import { SpanKind } from '@opentelemetry/api';
import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { bridgeSpans, SEMANTIC_ATTRIBUTES } from '../src/index.js';
import { inMemoryTracing, withContextManager } from './tracing.js';

describe('bridgeSpans: span kind and semantic-convention attributes', () => {
  withContextManager();

  const kinds: [string, SpanKind][] = [
    ['server', SpanKind.SERVER],
    ['client', SpanKind.CLIENT],
    ['producer', SpanKind.PRODUCER],
    ['consumer', SpanKind.CONSUMER],
    ['internal', SpanKind.INTERNAL],
  ];
  for (const [kind, expected] of kinds) {
    it(`sets SpanKind ${SpanKind[expected]} from metadata kind '${kind}' and leaves kind out of the attributes`, () => {
      const t = new Telemetry();
      const tracing = inMemoryTracing();
      const bridge = bridgeSpans(t, { tracer: tracing.tracer });
      t.span(['op'], { kind, k: 1 }, () => undefined);
      void bridge.stop();
      expect([tracing.one('op').kind, tracing.one('op').attributes]).to.deep.equal([expected, { k: 1 }]);
    });
  }

  it('makes a span without kind INTERNAL, and keeps a kind that names no SpanKind as an attribute', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.span(['plain'], {}, () => undefined);
    t.span(['odd'], { kind: 'batch' }, () => undefined);
    void bridge.stop();
    expect([tracing.one('plain').kind, tracing.one('odd').kind, tracing.one('odd').attributes]).to.deep.equal([SpanKind.INTERNAL, SpanKind.INTERNAL, { kind: 'batch' }]);
  });

  it('renames the documented HTTP and URL keys to their semantic-convention names', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.span(['http', 'request'], { kind: 'server', route: '/users/:id', method: 'GET', url: 'http://h/users/1?x=1', path: '/users/1', query: 'x=1', scheme: 'http', userAgent: 'curl/8', clientAddress: '10.0.0.1', serverAddress: 'h', serverPort: 8080, table: 'users' }, (scope) => scope.set({ status: 200 }));
    void bridge.stop();
    expect(tracing.one('http.request').attributes).to.deep.equal({
      'http.route': '/users/:id',
      'http.request.method': 'GET',
      'url.full': 'http://h/users/1?x=1',
      'url.path': '/users/1',
      'url.query': 'x=1',
      'url.scheme': 'http',
      'user_agent.original': 'curl/8',
      'client.address': '10.0.0.1',
      'server.address': 'h',
      'server.port': 8080,
      table: 'users',
      'http.response.status_code': 200,
    });
  });

  it('renames exactly the keys SEMANTIC_ATTRIBUTES lists, each only for a value of its type', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    for (const [key, { type }] of Object.entries(SEMANTIC_ATTRIBUTES)) {
      t.span(['right', key], { [key]: type === 'string' ? 'v' : 7 }, () => undefined);
      t.span(['wrong', key], { [key]: type === 'string' ? 7 : 'v' }, () => undefined);
    }
    void bridge.stop();
    for (const [key, { name, type }] of Object.entries(SEMANTIC_ATTRIBUTES)) {
      expect(tracing.one(`right.${key}`).attributes, key).to.deep.equal({ [name]: type === 'string' ? 'v' : 7 });
      expect(tracing.one(`wrong.${key}`).attributes, key).to.deep.equal({ [key]: type === 'string' ? 7 : 'v' });
    }
  });

  it('maps statusCode too, and leaves a status that is not an integer as it is', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.span(['a'], { statusCode: 404 }, () => undefined);
    t.span(['b'], { status: 'done', method: 3 }, () => undefined);
    void bridge.stop();
    expect([tracing.one('a').attributes, tracing.one('b').attributes]).to.deep.equal([{ 'http.response.status_code': 404 }, { status: 'done', method: 3 }]);
  });
});

describe("bridgeSpans: the library's own spans", () => {
  withContextManager();

  it("skips ['telemetry', …] spans by default", () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer });
    t.span(['telemetry', 'prometheus', 'scrape'], {}, () => undefined);
    t.startSpan(['telemetry', 'push']).stop();
    t.span(['app'], {}, () => undefined);
    void bridge.stop();
    expect(tracing.finished().map((s) => s.name)).to.deep.equal(['app']);
  });

  it('bridges them with includeTelemetrySpans: true', () => {
    const t = new Telemetry();
    const tracing = inMemoryTracing();
    const bridge = bridgeSpans(t, { tracer: tracing.tracer, includeTelemetrySpans: true });
    t.span(['telemetry', 'prometheus', 'scrape'], {}, () => undefined);
    void bridge.stop();
    expect(tracing.finished().map((s) => s.name)).to.deep.equal(['telemetry.prometheus.scrape']);
  });

  it('throws when a listed prefix names them without includeTelemetrySpans (a wiring mistake)', () => {
    expect(() => bridgeSpans(new Telemetry(), { prefixes: [['db'], ['telemetry', 'prometheus']] })).to.throw(TypeError, /prefixes\[1\] .*includeTelemetrySpans: true/);
  });
});
