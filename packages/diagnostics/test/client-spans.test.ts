import { expect } from 'chai';
import http from 'node:http';
import { withCorrelation } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { bridgeDiagnostics, type DiagnosticsBridge } from '../src/index.js';
import { busWithRecorder, CLIENT, closedPort, httpGet, startServer, until, type TestServer } from './peers.js';

describe('node:http client requests become spans', () => {
  let bridge: DiagnosticsBridge | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await bridge?.stop();
    await server?.close();
    bridge = server = undefined;
  });

  it('http.get is one start/stop pair with method, scheme, server address and port, path, kind, status and time to headers', async () => {
    const { bus, seen } = busWithRecorder([CLIENT]);
    bridge = bridgeDiagnostics(bus, { http: { client: true } });
    server = await startServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    await httpGet(`${server.url}/missing?q=1`);
    await until(() => seen.length === 2, 'the pair');
    const [start, stop] = seen;
    expect([start!.event, stop!.event]).to.deep.equal(['http.client.request.start', 'http.client.request.stop']);
    expect(start!.metadata).to.include({ kind: 'client', method: 'GET', scheme: 'http', serverAddress: '127.0.0.1', serverPort: Number(new URL(server.url).port), path: '/missing' });
    expect(stop!.metadata).to.include({ statusCode: 404, spanId: start!.metadata.spanId });
    expect(stop!.measurements.timeToHeaders).to.be.a('number').and.greaterThan(0);
    expect(stop!.measurements.duration).to.be.at.least(stop!.measurements.timeToHeaders!);
  });

  it('the span stops when the response body has been read, not at the headers', async () => {
    const { bus, seen } = busWithRecorder([CLIENT]);
    bridge = bridgeDiagnostics(bus, { http: { client: true } });
    let finishBody: (() => void) | undefined;
    server = await startServer((_req, res) => {
      res.write('head');
      finishBody = () => res.end('tail');
    });
    // Headers and the first chunk are at the client; the body is not complete.
    const res = await new Promise<http.IncomingMessage>((resolve) => http.get(server!.url, (r) => r.once('data', () => resolve(r))));
    expect(seen.map((e) => e.event)).to.deep.equal(['http.client.request.start']);
    const ended = new Promise((resolve) => res.on('end', resolve));
    res.resume();
    finishBody!();
    await ended;
    await until(() => seen.length === 2, 'the stop');
    expect(seen[1]!.event).to.equal('http.client.request.stop');
  });

  it('a request made inside withCorrelation carries its correlation id', async () => {
    const { bus, seen } = busWithRecorder([CLIENT]);
    bridge = bridgeDiagnostics(bus, { http: { client: true } });
    server = await startServer((_req, res) => res.end());
    await withCorrelation('job-3', () => httpGet(server!.url));
    await until(() => seen.length === 2, 'the pair');
    expect(seen.map((e) => e.metadata.correlationId)).to.deep.equal(['job-3', 'job-3']);
  });

  it('a request made inside a span is its child', async () => {
    const { bus, seen } = busWithRecorder([CLIENT]);
    const outer = recordEvents(bus, [['job', 'start']]);
    bridge = bridgeDiagnostics(bus, { http: { client: true } });
    server = await startServer((_req, res) => res.end());
    await bus.span(['job'], {}, () => httpGet(server!.url));
    await until(() => seen.length === 2, 'the pair');
    expect(seen[0]!.metadata.parentSpanId).to.equal(outer[0]!.metadata.spanId);
  });

  it('a refused connection ends the span as an exception carrying the error', async () => {
    const { bus, seen } = busWithRecorder([CLIENT]);
    bridge = bridgeDiagnostics(bus, { http: { client: true } });
    const port = await closedPort();
    const error = await httpGet(`http://127.0.0.1:${port}/`).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(error?.code).to.equal('ECONNREFUSED');
    await until(() => seen.length === 2, 'the pair');
    expect(seen.map((e) => e.event)).to.deep.equal(['http.client.request.start', 'http.client.request.exception']);
    expect(seen[1]!.metadata.reason).to.equal(error);
  });

  it('a request destroyed while the response body is read ends as an exception with the status seen', async () => {
    const { bus, seen } = busWithRecorder([CLIENT]);
    bridge = bridgeDiagnostics(bus, { http: { client: true } });
    server = await startServer((_req, res) => res.write('partial'));
    await new Promise<void>((resolve) => {
      const req = http.get(server!.url, (res) => {
        res.once('data', () => req.destroy());
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      req.on('close', () => resolve());
    });
    await until(() => seen.length === 2, 'the pair');
    expect(seen[1]!.event).to.equal('http.client.request.exception');
    expect(seen[1]!.metadata.statusCode).to.equal(200);
  });
});
