import { expect } from 'chai';
import { currentTraceContext, withCorrelation } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { bridgeDiagnostics, type DiagnosticsBridge } from '../src/index.js';
import { busWithRecorder, httpGet, startServer, until, type TestServer } from './peers.js';

describe('http server requests become spans', () => {
  let bridge: DiagnosticsBridge | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await bridge?.stop();
    await server?.close();
    bridge = server = undefined;
  });

  it('one request is one start/stop pair with method, path without the query, scheme, kind and status code', async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: { server: true } });
    server = await startServer((_req, res) => {
      res.statusCode = 201;
      res.end('made');
    });
    expect(await httpGet(`${server.url}/items/7?secret=1`)).to.equal(201);
    await until(() => seen.named('http.server.request.stop').length === 1, 'the stop event');
    const [start, stop] = seen;
    expect([start!.event, stop!.event]).to.deep.equal(['http.server.request.start', 'http.server.request.stop']);
    expect(start!.metadata).to.include({ kind: 'server', method: 'GET', scheme: 'http', path: '/items/7' });
    expect(stop!.metadata).to.include({ spanId: start!.metadata.spanId, statusCode: 201, path: '/items/7' });
    expect(stop!.measurements.duration).to.be.a('number').and.greaterThan(0);
  });

  it('a server request is a root: no parent span even when the server listens inside a span', async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: { server: true } });
    const outer = recordEvents(bus, [['boot', 'start']]);
    server = await bus.span(['boot'], {}, () => startServer((_req, res) => res.end()));
    await httpGet(server.url);
    await until(() => seen.length === 2, 'the pair');
    expect(outer).to.have.length(1);
    expect(seen[0]!.metadata).to.not.have.property('parentSpanId');
  });

  it("the correlation id is the request's x-request-id header", async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: { server: true } });
    server = await startServer((_req, res) => res.end());
    await httpGet(server.url, { headers: { 'x-request-id': 'req-42' } });
    await until(() => seen.length === 2, 'the pair');
    expect(seen.map((e) => e.metadata.correlationId)).to.deep.equal(['req-42', 'req-42']);
  });

  it('without the header each request gets a fresh correlation id, not the one the server listened in', async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: { server: true } });
    server = await withCorrelation('boot', () => startServer((_req, res) => res.end()));
    await httpGet(server.url);
    await httpGet(server.url);
    await until(() => seen.length === 4, 'two pairs');
    const ids = seen.filter((e) => e.event.endsWith('start')).map((e) => e.metadata.correlationId);
    expect(ids[0]).to.match(/^[0-9a-f]{12}$/);
    expect(ids[1]).to.match(/^[0-9a-f]{12}$/);
    expect(ids[0]).to.not.equal(ids[1]);
  });

  it('correlationHeader: false ignores the header; an invalid header value is ignored too', async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: { server: true }, correlationHeader: false });
    server = await startServer((_req, res) => res.end());
    await httpGet(server.url, { headers: { 'x-request-id': 'req-1' } });
    await until(() => seen.length === 2, 'the pair');
    expect(seen[0]!.metadata.correlationId).to.not.equal('req-1');
  });

  it('a custom correlation header is read, case-insensitively', async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: { server: true }, correlationHeader: 'X-Correlation-ID' });
    server = await startServer((_req, res) => res.end());
    await httpGet(server.url, { headers: { 'x-correlation-id': 'corr-7' } });
    await until(() => seen.length === 2, 'the pair');
    expect(seen[0]!.metadata.correlationId).to.equal('corr-7');
  });

  it('an incoming traceparent is continued: the span is in its trace', async () => {
    const { bus } = busWithRecorder();
    const traces: (string | undefined)[] = [];
    bus.attach('trace', ['http', 'server', 'request', 'start'], () => traces.push(currentTraceContext()?.traceId));
    bridge = bridgeDiagnostics(bus, { http: { server: true } });
    server = await startServer((_req, res) => res.end());
    await httpGet(server.url, { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    await httpGet(server.url, { headers: { traceparent: 'not-a-traceparent' } });
    expect(traces[0]).to.equal('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traces[1]).to.match(/^[0-9a-f]{32}$/).and.not.equal('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('the route option names the route in the stop event', async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: { server: true }, route: (req) => (req.url?.startsWith('/users/') ? '/users/:id' : undefined) });
    server = await startServer((_req, res) => res.end());
    await httpGet(`${server.url}/users/12`);
    await until(() => seen.length === 2, 'the pair');
    expect(seen[1]!.metadata).to.include({ route: '/users/:id', path: '/users/12' });
  });

  it('a throwing route option is reported as a diagnostics failure and the stop event still comes', async () => {
    const { bus, seen } = busWithRecorder();
    const failures = recordEvents(bus, [['telemetry', 'diagnostics', 'failure']]);
    bridge = bridgeDiagnostics(bus, {
      http: { server: true },
      route: () => {
        throw new Error('route table broken');
      },
    });
    server = await startServer((_req, res) => res.end());
    await httpGet(server.url);
    await until(() => seen.length === 2, 'the pair');
    expect(seen[1]!.metadata).to.not.have.property('route');
    expect(failures).to.have.length(1);
    expect(failures[0]!.measurements).to.deep.equal({ count: 1 });
    expect(failures[0]!.metadata.channel).to.equal('http.server.response.finish');
    expect(String(failures[0]!.metadata.reason)).to.include('route table broken');
  });

  it('a connection closed before the response finished ends the span as an exception', async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: { server: true } });
    server = await startServer((req) => req.socket.destroy());
    await httpGet(server.url).catch(() => undefined);
    await until(() => seen.length === 2, 'the pair');
    expect(seen[1]!.event).to.equal('http.server.request.exception');
    expect(String(seen[1]!.metadata.reason)).to.include('closed before the response finished');
    expect(seen[1]!.metadata.kind).to.equal('error'); // core's exception events carry kind: 'error'; the span kind is in the start event
    expect(seen[0]!.metadata.kind).to.equal('server');
  });

  it('a 500 response is a stop with statusCode 500, not an exception', async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: { server: true } });
    server = await startServer((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    await httpGet(server.url);
    await until(() => seen.length === 2, 'the pair');
    expect([seen[1]!.event, seen[1]!.metadata.statusCode]).to.deep.equal(['http.server.request.stop', 500]);
  });
});
