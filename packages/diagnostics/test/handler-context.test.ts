import { expect } from 'chai';
import http from 'node:http';
import { correlationId, currentSpanId } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { bridgeDiagnostics, type DiagnosticsBridge } from '../src/index.js';
import { busWithRecorder, httpGet, SERVER, startServer, until, type TestServer } from './peers.js';

const DB_QUERY = ['db', 'query'];

describe("a server request's handler runs in its server span (spans and events it emits itself)", () => {
  let bridge: DiagnosticsBridge | undefined;
  let server: TestServer | undefined;
  let agent: http.Agent | undefined;
  afterEach(async () => {
    agent?.destroy();
    await bridge?.stop();
    await server?.close();
    bridge = server = agent = undefined;
  });

  const serverStart = (seen: ReturnType<typeof busWithRecorder>['seen'], path: string) => {
    const start = seen.find((e) => e.event === 'http.server.request.start' && e.metadata.path === path);
    if (start === undefined) throw new Error(`no server span for ${path}`);
    return start;
  };

  it("a span the handler opens, before and after await, is a child of the server span with the request's correlation id", async () => {
    const { bus, seen } = busWithRecorder([SERVER]);
    const queries = recordEvents(bus, [[...DB_QUERY, 'start']]);
    bridge = bridgeDiagnostics(bus, { http: { server: true } });
    server = await startServer(async (_req, res) => {
      bus.span(DB_QUERY, { when: 'sync' }, () => undefined);
      await new Promise((resolve) => setImmediate(resolve));
      await bus.span(DB_QUERY, { when: 'after-await' }, async () => undefined);
      res.end();
    });
    await httpGet(`${server.url}/orders`, { headers: { 'x-request-id': 'req-7' } });
    await until(() => seen.named('http.server.request.stop').length === 1, 'the server stop');
    const front = serverStart(seen, '/orders');
    expect(queries.map((q) => [q.metadata.when, q.metadata.parentSpanId, q.metadata.correlationId])).to.deep.equal([
      ['sync', front.metadata.spanId, 'req-7'],
      ['after-await', front.metadata.spanId, 'req-7'],
    ]);
  });

  it("an event the handler emits is in the request's context: its handlers and streams see the server span and correlation id", async () => {
    const { bus, seen } = busWithRecorder([SERVER]);
    const inHandlers: [number | undefined, string | undefined][] = [];
    bus.attach('context', ['cache', 'miss'], () => inHandlers.push([currentSpanId(), correlationId()]));
    const streamed: (string | undefined)[] = [];
    const sub = bus.events(['cache', 'miss']).subscribe((e) => streamed.push(e.correlationId));
    bridge = bridgeDiagnostics(bus, { http: { server: true } });
    server = await startServer((_req, res) => {
      setImmediate(() => {
        bus.emit(['cache', 'miss'], { count: 1 }, {});
        res.end();
      });
    });
    await httpGet(`${server.url}/lookup`, { headers: { 'x-request-id': 'req-8' } });
    await until(() => seen.named('http.server.request.stop').length === 1, 'the server stop');
    sub.unsubscribe();
    expect(inHandlers).to.deep.equal([[serverStart(seen, '/lookup').metadata.spanId, 'req-8']]);
    expect(streamed).to.deep.equal(['req-8']);
  });

  it("two concurrent requests keep their handlers' spans apart", async () => {
    const { bus, seen } = busWithRecorder([SERVER]);
    const queries = recordEvents(bus, [[...DB_QUERY, 'start']]);
    bridge = bridgeDiagnostics(bus, { http: { server: true } });
    let arrived = 0;
    let release: () => void = () => undefined;
    const bothIn = new Promise<void>((resolve) => (release = resolve));
    server = await startServer(async (req, res) => {
      if (++arrived === 2) release();
      await bothIn; // both handlers are in flight before either opens its span
      await bus.span(DB_QUERY, { for: req.url }, async () => undefined);
      res.end();
    });
    await Promise.all([httpGet(`${server.url}/a`, { headers: { 'x-request-id': 'A' } }), httpGet(`${server.url}/b`, { headers: { 'x-request-id': 'B' } })]);
    await until(() => seen.named('http.server.request.stop').length === 2, 'both server stops');
    const byPath = Object.fromEntries(queries.map((q) => [q.metadata.for, [q.metadata.parentSpanId, q.metadata.correlationId]]));
    expect(byPath).to.deep.equal({ '/a': [serverStart(seen, '/a').metadata.spanId, 'A'], '/b': [serverStart(seen, '/b').metadata.spanId, 'B'] });
  });

  it("on a keep-alive connection the next request's handler is in its own span, and the previous handler's continuations stay in theirs", async () => {
    const { bus, seen } = busWithRecorder([SERVER]);
    const queries = recordEvents(bus, [[...DB_QUERY, 'start']]);
    bridge = bridgeDiagnostics(bus, { http: { server: true } });
    const ports: number[] = [];
    let secondArrived: () => void = () => undefined;
    const second = new Promise<void>((resolve) => (secondArrived = resolve));
    server = await startServer(async (req, res) => {
      ports.push(req.socket.remotePort ?? 0);
      bus.span(DB_QUERY, { for: req.url, when: 'sync' }, () => undefined);
      res.end();
      if (req.url === '/first') {
        await second; // resumes after the next request on this connection has begun
        bus.span(DB_QUERY, { for: req.url, when: 'late' }, () => undefined);
      } else {
        secondArrived();
      }
    });
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await httpGet(`${server.url}/first`, { agent, headers: { 'x-request-id': 'first' } });
    await httpGet(`${server.url}/second`, { agent, headers: { 'x-request-id': 'second' } });
    await until(() => queries.length === 3, 'three queries');
    expect(ports[0], 'both requests on one connection').to.equal(ports[1]);
    const first = serverStart(seen, '/first').metadata.spanId;
    const next = serverStart(seen, '/second').metadata.spanId;
    expect(queries.map((q) => [q.metadata.for, q.metadata.when, q.metadata.parentSpanId, q.metadata.correlationId])).to.deep.equal([
      ['/first', 'sync', first, 'first'],
      ['/second', 'sync', next, 'second'],
      ['/first', 'late', first, 'first'],
    ]);
  });

  it('code that runs outside the handlers afterwards is in no request', async () => {
    const { bus, seen } = busWithRecorder([SERVER]);
    const queries = recordEvents(bus, [[...DB_QUERY, 'start']]);
    bridge = bridgeDiagnostics(bus, { http: { server: true } });
    server = await startServer((_req, res) => res.end());
    await httpGet(server.url, { headers: { 'x-request-id': 'done' } });
    await until(() => seen.named('http.server.request.stop').length === 1, 'the server stop');
    bus.span(DB_QUERY, {}, () => undefined);
    expect(queries[0]!.metadata).to.not.have.any.keys('parentSpanId', 'correlationId');
    expect([currentSpanId(), correlationId()]).to.deep.equal([undefined, undefined]);
  });
});
