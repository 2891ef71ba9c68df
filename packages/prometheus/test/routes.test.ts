import { counter, Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { Aggregator } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import { request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { CONNECTION_CLOSED_EVENT, PrometheusReporter, ROUTE_FAILURE_EVENT, type Listening } from '../src/index.js';

// Opens a GET and resolves with the response as soon as its headers arrive (the body may never end).
function open(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, resolve);
    req.on('error', reject);
    req.end();
  });
}

function nextChunk(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => res.once('data', (d: Buffer) => resolve(d.toString())));
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

describe('PrometheusReporter.listen({ routes })', function () {
  this.timeout(20_000);
  let telemetry: Telemetry;
  let reporter: PrometheusReporter;
  let server: Listening | undefined;
  beforeEach(() => {
    telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count')] });
    telemetry.emit(['http', 'request', 'stop'], {});
    reporter = new PrometheusReporter(telemetry, { aggregator: agg });
  });
  afterEach(async () => {
    server = undefined;
    await telemetry.shutdown();
  });

  it('serves an extra GET route on the same server, beside /metrics and /health', async () => {
    server = await reporter.listen({
      port: 0,
      routes: { '/': (_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>live</h1>') },
    });
    const page = await fetch(`${server.url}/?tab=1`);
    expect([page.status, page.headers.get('content-type'), await page.text()]).to.deep.equal([200, 'text/html', '<h1>live</h1>']);
    expect(await (await fetch(`${server.url}/metrics`)).text()).to.contain('http_request_stop_count_total 1\n');
    expect((await fetch(`${server.url}/other`)).status).to.equal(404);
  });

  it('applies the token and the method rules to extra routes', async () => {
    let calls = 0;
    server = await reporter.listen({ port: 0, token: 't0ken', routes: { '/page': (_req, res) => void (calls++, res.end('ok')) } });
    expect((await fetch(`${server.url}/page`)).status).to.equal(401);
    const post = await fetch(`${server.url}/page`, { method: 'POST', headers: { Authorization: 'Bearer t0ken' }, body: 'x' });
    expect([post.status, post.headers.get('allow')]).to.deep.equal([405, 'GET, HEAD']);
    const ok = await fetch(`${server.url}/page`, { headers: { Authorization: 'Bearer t0ken' } });
    expect([ok.status, await ok.text(), calls]).to.deep.equal([200, 'ok', 1]);
  });

  it('answers 500 for a route that throws, reports route_failure, and keeps serving', async () => {
    const failures = recordEvents(telemetry, [[...ROUTE_FAILURE_EVENT]]);
    server = await reporter.listen({
      port: 0,
      routes: {
        '/sync': () => {
          throw new Error('boom');
        },
        '/async': async () => Promise.reject(new Error('later')),
      },
    });
    const a = await fetch(`${server.url}/sync`);
    const b = await fetch(`${server.url}/async`);
    expect([a.status, await a.text(), b.status, await b.text()]).to.deep.equal([500, 'internal error\n', 500, 'internal error\n']);
    expect(failures.map((f) => [f.metadata.path, (f.metadata.error as Error).message])).to.deep.equal([
      ['/sync', 'boom'],
      ['/async', 'later'],
    ]);
    expect((await fetch(`${server.url}/metrics`)).status).to.equal(200);
  });

  it('abandons a plain route whose response is not finished within writeTimeoutMs', async () => {
    const closes = recordEvents(telemetry, [[...CONNECTION_CLOSED_EVENT]]);
    server = await reporter.listen({ port: 0, writeTimeoutMs: 300, routes: { '/hang': (_req, res) => void res.writeHead(200).write('partial') } });
    const res = await open(`${server.url}/hang`);
    const gone = closed(res.socket);
    res.resume();
    await gone;
    expect(closes.map((c) => c.metadata.reason)).to.deep.equal(['write_timeout']);
  });

  it('keeps a streaming route (Server-Sent Events) open past writeTimeoutMs and requestTimeoutMs', async () => {
    const closes = recordEvents(telemetry, [[...CONNECTION_CLOSED_EVENT]]);
    const clients = new Set<import('node:http').ServerResponse>();
    server = await reporter.listen({
      port: 0,
      writeTimeoutMs: 200,
      headersTimeoutMs: 100,
      requestTimeoutMs: 200,
      routes: {
        '/events': {
          streaming: true,
          handler: (_req, res) => {
            res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
            res.write('data: hello\n\n');
            clients.add(res);
            res.on('close', () => clients.delete(res));
          },
        },
      },
    });
    const res = await open(`${server.url}/events`);
    expect(res.headers['content-type']).to.equal('text/event-stream');
    expect(await nextChunk(res)).to.equal('data: hello\n\n');
    await new Promise((r) => setTimeout(r, 800)); // well past every timeout
    const later = nextChunk(res);
    for (const c of clients) c.write('data: still here\n\n');
    expect(await later).to.equal('data: still here\n\n');
    expect(closes).to.have.length(0);
    // stop() closes the open stream too.
    const gone = closed(res.socket);
    await reporter.stop();
    await gone;
    expect(clients.size).to.equal(0);
  });

  it('rejects routes that are not paths or handlers, or that replace /metrics or /health, with a TypeError', async () => {
    const bad: unknown[] = [
      { metrics: () => undefined },
      { '/metrics': () => undefined },
      { '/health': () => undefined },
      { '/x?y': () => undefined },
      { '/x': 'nope' },
      { '/x': { handler: () => undefined, streaming: 'yes' } },
    ];
    for (const routes of bad) {
      let err: unknown;
      try {
        await reporter.listen({ port: 0, routes: routes as never });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(routes)).to.be.instanceOf(TypeError);
    }
  });

  it('a HEAD on a route gets the headers without a body', async () => {
    server = await reporter.listen({ port: 0, routes: { '/': (_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('body') } });
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.write('HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await closed(socket);
    expect(data).to.match(/^HTTP\/1\.1 200 /);
    expect(data.endsWith('\r\n\r\n')).to.equal(true);
    expect(data).not.to.contain('body');
  });
});
