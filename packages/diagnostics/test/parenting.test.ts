import { expect } from 'chai';
import { withCorrelation } from '@rx-telemetry/core';
import { bridgeDiagnostics, type DiagnosticsBridge } from '../src/index.js';
import { busWithRecorder, httpGet, startServer, until, type TestServer } from './peers.js';

describe('requests a server handler makes are children of its server span', () => {
  let bridge: DiagnosticsBridge | undefined;
  let api: TestServer | undefined;
  let backend: TestServer | undefined;
  afterEach(async () => {
    await bridge?.stop();
    await api?.close();
    await backend?.close();
    bridge = api = backend = undefined;
  });

  const starts = (seen: ReturnType<typeof busWithRecorder>['seen'], event: string, path: string) =>
    seen.filter((e) => e.event === event && e.metadata.path === path);

  it('a fetch and an http.get made by the handler (after await) have the server span as parent and its correlation id', async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: true, fetch: true });
    backend = await startServer((_req, res) => res.end('data'));
    api = await startServer(async (_req, res) => {
      await (await fetch(`${backend!.url}/by-fetch`)).text();
      await httpGet(`${backend!.url}/by-http`);
      res.end('done');
    });
    await httpGet(`${api.url}/front`, { headers: { 'x-request-id': 'front-1' } });
    await until(() => seen.filter((e) => e.event.endsWith('.stop')).length === 6, 'six stops');
    const [front] = starts(seen, 'http.server.request.start', '/front');
    const [byFetch] = starts(seen, 'undici.request.start', '/by-fetch');
    const [byHttp] = starts(seen, 'http.client.request.start', '/by-http');
    expect(front!.metadata.correlationId).to.equal('front-1');
    expect([byFetch!.metadata.parentSpanId, byFetch!.metadata.correlationId]).to.deep.equal([front!.metadata.spanId, 'front-1']);
    expect([byHttp!.metadata.parentSpanId, byHttp!.metadata.correlationId]).to.deep.equal([front!.metadata.spanId, 'front-1']);
  });

  it('two concurrent server requests keep their own children apart', async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: { server: true }, fetch: true });
    let arrived = 0;
    let release: () => void = () => undefined;
    const bothIn = new Promise<void>((resolve) => (release = resolve));
    backend = await startServer((_req, res) => res.end());
    api = await startServer(async (req, res) => {
      if (++arrived === 2) release();
      await bothIn; // both handlers are in flight before either fetches
      await (await fetch(`${backend!.url}/for${req.url}`)).text();
      res.end();
    });
    await Promise.all([httpGet(`${api.url}/a`, { headers: { 'x-request-id': 'A' } }), httpGet(`${api.url}/b`, { headers: { 'x-request-id': 'B' } })]);
    await until(() => seen.filter((e) => e.event === 'http.server.request.stop').length === 4, 'four server stops');
    const [a] = starts(seen, 'http.server.request.start', '/a');
    const [b] = starts(seen, 'http.server.request.start', '/b');
    const [forA] = starts(seen, 'undici.request.start', '/for/a');
    const [forB] = starts(seen, 'undici.request.start', '/for/b');
    expect([forA!.metadata.parentSpanId, forA!.metadata.correlationId]).to.deep.equal([a!.metadata.spanId, 'A']);
    expect([forB!.metadata.parentSpanId, forB!.metadata.correlationId]).to.deep.equal([b!.metadata.spanId, 'B']);
  });

  it("the handler's own withCorrelation wins over the server span's", async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: { server: true }, fetch: true });
    backend = await startServer((_req, res) => res.end());
    api = await startServer(async (_req, res) => {
      await withCorrelation('inner-job', async () => (await fetch(`${backend!.url}/inner`)).text());
      res.end();
    });
    await httpGet(api.url);
    await until(() => seen.filter((e) => e.event === 'undici.request.stop').length === 1, 'the fetch stop');
    const [inner] = starts(seen, 'undici.request.start', '/inner');
    expect(inner!.metadata.correlationId).to.equal('inner-job');
  });

  it('a request made outside any handler after server requests ran is not attached to them', async () => {
    const { bus, seen } = busWithRecorder();
    bridge = bridgeDiagnostics(bus, { http: { server: true }, fetch: true });
    api = await startServer((_req, res) => res.end());
    await httpGet(api.url);
    await (await fetch(`${api.url}/later`)).text();
    await until(() => seen.filter((e) => e.event === 'undici.request.stop').length === 1, 'the fetch stop');
    const [later] = starts(seen, 'undici.request.start', '/later');
    expect(later!.metadata).to.not.have.property('parentSpanId');
  });
});
