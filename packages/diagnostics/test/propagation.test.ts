import { expect } from 'chai';
import type { IncomingHttpHeaders } from 'node:http';
import { currentTraceContext, parseTraceparent, withCorrelation, type TraceContext } from '@rx-telemetry/core';
import { bridgeDiagnostics, type DiagnosticsBridge, type DiagnosticsOptions } from '../src/index.js';
import { hasHeader } from '../src/outgoing-headers.js';
import { busWithRecorder, httpGet, SERVER, startServer, UNDICI, until, type TestServer } from './peers.js';

describe('outgoing fetch requests carry traceparent and the correlation id (propagate)', () => {
  let bridge: DiagnosticsBridge | undefined;
  let api: TestServer | undefined;
  let backend: TestServer | undefined;
  afterEach(async () => {
    await bridge?.stop();
    await api?.close();
    await backend?.close();
    bridge = api = backend = undefined;
  });

  /** A backend recording the headers it receives, and an api whose handler fetches it. */
  async function apiAndBackend(options: DiagnosticsOptions, prefixes = [SERVER, UNDICI], init?: RequestInit) {
    const { bus, seen } = busWithRecorder(prefixes);
    // The W3C ids of each span, read in its start event's handlers (where core makes them current).
    const traces = new Map<number, TraceContext | undefined>();
    for (const prefix of prefixes) bus.attach(`trace-${prefix.join('.')}`, [...prefix, 'start'], (_e, _m, md) => traces.set(md.spanId as number, currentTraceContext()));
    bridge = bridgeDiagnostics(bus, options);
    const received: IncomingHttpHeaders[] = [];
    backend = await startServer((req, res) => {
      received.push(req.headers);
      res.end('data');
    });
    api = await startServer(async (_req, res) => {
      res.end(await (await fetch(`${backend!.url}/stock`, init)).text());
    });
    return { bus, seen, traces, received };
  }

  const startOf = (seen: ReturnType<typeof busWithRecorder>['seen'], event: string, path: string) => {
    const start = seen.find((e) => e.event === event && e.metadata.path === path);
    if (start === undefined) throw new Error(`no ${event} for ${path}`);
    return start;
  };

  it("a fetch from a handler arrives with a traceparent in the server span's trace whose parent is the fetch's client span, and the request's correlation id", async () => {
    const { seen, traces, received } = await apiAndBackend({ http: { server: true }, fetch: true });
    await httpGet(`${api!.url}/orders`, { headers: { 'x-request-id': 'req-1' } });
    await until(() => seen.named('http.server.request.stop').length === 2, 'both server stops');
    const server = traces.get(startOf(seen, 'http.server.request.start', '/orders').metadata.spanId as number)!;
    const client = traces.get(startOf(seen, 'undici.request.start', '/stock').metadata.spanId as number)!;
    const sent = parseTraceparent(received[0]!.traceparent as string);
    expect(sent, String(received[0]!.traceparent)).to.not.equal(undefined);
    expect(sent!.traceId).to.equal(server.traceId);
    expect(sent!.spanId).to.equal(client.spanId).and.not.equal(server.spanId);
    expect(received[0]!['x-request-id']).to.equal('req-1');
    // The backend's own server span continues that trace, with the same correlation id.
    const next = startOf(seen, 'http.server.request.start', '/stock');
    expect([traces.get(next.metadata.spanId as number)!.traceId, next.metadata.correlationId]).to.deep.equal([server.traceId, 'req-1']);
  });

  it("a fetch nobody traces still continues the trace: its traceparent's parent is the handler's server span", async () => {
    const { seen, traces, received } = await apiAndBackend({ http: { server: true }, fetch: true }, [SERVER]);
    await httpGet(`${api!.url}/orders`, { headers: { 'x-request-id': 'req-2' } });
    await until(() => seen.named('http.server.request.stop').length === 2, 'both server stops');
    const server = traces.get(startOf(seen, 'http.server.request.start', '/orders').metadata.spanId as number)!;
    expect(parseTraceparent(received[0]!.traceparent as string)).to.include({ traceId: server.traceId, spanId: server.spanId });
    expect(received[0]!['x-request-id']).to.equal('req-2');
  });

  it("headers the caller set are kept: neither replaced nor sent twice, whatever their case", async () => {
    const mine = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const { seen, received } = await apiAndBackend({ http: { server: true }, fetch: true }, [SERVER, UNDICI], { headers: { TraceParent: mine, 'X-Request-ID': 'callers-own' } });
    await httpGet(`${api!.url}/orders`, { headers: { 'x-request-id': 'req-3' } });
    await until(() => seen.named('http.server.request.stop').length === 2, 'both server stops');
    expect([received[0]!.traceparent, received[0]!['x-request-id']]).to.deep.equal([mine, 'callers-own']);
  });

  it('propagate: false adds no header', async () => {
    const { seen, received } = await apiAndBackend({ http: { server: true }, fetch: true, propagate: false });
    await httpGet(`${api!.url}/orders`, { headers: { 'x-request-id': 'req-4' } });
    await until(() => seen.named('http.server.request.stop').length === 2, 'both server stops');
    expect(received[0]).to.not.have.any.keys('traceparent', 'x-request-id');
  });

  it('propagate: { traceparent: true } adds traceparent and not the correlation id', async () => {
    const { seen, received } = await apiAndBackend({ http: { server: true }, fetch: true, propagate: { traceparent: true } });
    await httpGet(`${api!.url}/orders`, { headers: { 'x-request-id': 'req-5' } });
    await until(() => seen.named('http.server.request.stop').length === 2, 'both server stops');
    expect(received[0]).to.have.property('traceparent');
    expect(received[0]).to.not.have.property('x-request-id');
  });

  it('the correlation id is sent in the header correlationHeader names', async () => {
    const { seen, received } = await apiAndBackend({ http: { server: true }, fetch: true, correlationHeader: 'X-Correlation-ID' });
    await httpGet(`${api!.url}/orders`, { headers: { 'x-correlation-id': 'corr-6' } });
    await until(() => seen.named('http.server.request.stop').length === 2, 'both server stops');
    expect(received[0]).to.include({ 'x-correlation-id': 'corr-6' });
    expect(received[0]).to.not.have.property('x-request-id');
  });

  it("a fetch outside any request carries its own span's traceparent, and no correlation header without a correlation id", async () => {
    const { bus, seen } = busWithRecorder([UNDICI]);
    let client: TraceContext | undefined;
    bus.attach('trace', ['undici', 'request', 'start'], () => (client = currentTraceContext()));
    bridge = bridgeDiagnostics(bus, { http: false, fetch: true });
    const received: IncomingHttpHeaders[] = [];
    backend = await startServer((req, res) => {
      received.push(req.headers);
      res.end();
    });
    await (await fetch(backend.url)).text();
    await until(() => seen.length === 2, 'the fetch pair');
    expect(parseTraceparent(received[0]!.traceparent as string)).to.deep.equal(client);
    expect(received[0]).to.not.have.property('x-request-id');
  });

  it('a correlation id that is not a valid header value is not sent (and the request still goes)', async () => {
    const { bus } = busWithRecorder([UNDICI]);
    bridge = bridgeDiagnostics(bus, { http: false, fetch: true });
    const received: IncomingHttpHeaders[] = [];
    backend = await startServer((req, res) => {
      received.push(req.headers);
      res.end('ok');
    });
    const body = await withCorrelation('job 1\r\nx-injected: yes', async () => (await fetch(backend!.url)).text());
    expect(body).to.equal('ok');
    expect(received[0]).to.not.have.any.keys('x-request-id', 'x-injected');
    expect(received[0]).to.have.property('traceparent');
  });

  it('a node:http request from a handler gets no header added: Node publishes its start after the headers are sent', async () => {
    const { bus, seen } = busWithRecorder([SERVER]);
    bridge = bridgeDiagnostics(bus, { http: true, fetch: true });
    const received: IncomingHttpHeaders[] = [];
    backend = await startServer((req, res) => {
      received.push(req.headers);
      res.end();
    });
    api = await startServer(async (_req, res) => {
      await httpGet(`${backend!.url}/by-http`);
      res.end();
    });
    await httpGet(`${api.url}/orders`, { headers: { 'x-request-id': 'req-9' } });
    await until(() => seen.named('http.server.request.stop').length === 2, 'both server stops');
    expect(received[0]).to.not.have.any.keys('traceparent', 'x-request-id');
  });

  it("hasHeader reads undici 6's flat [name, value] array and undici 5's header string, in any case", () => {
    expect([hasHeader(['Accept', '*/*', 'TraceParent', 'x'], 'traceparent'), hasHeader(['accept', 'traceparent'], 'traceparent'), hasHeader([], 'traceparent')]).to.deep.equal([true, false, false]);
    expect([hasHeader('accept: */*\r\nX-Request-Id: a\r\n', 'x-request-id'), hasHeader('X-Request-Id: a\r\n', 'x-request-id'), hasHeader('x-request-id-2: a\r\n', 'x-request-id'), hasHeader(undefined, 'x')]).to.deep.equal([
      true,
      true,
      false,
      false,
    ]);
  });
});
