import { expect } from 'chai';
import { withCorrelation } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { bridgeDiagnostics, type DiagnosticsBridge } from '../src/index.js';
import { busWithRecorder, closedPort, startServer, UNDICI, until, type TestServer } from './peers.js';

describe('fetch (undici) requests become spans', () => {
  let bridge: DiagnosticsBridge | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await bridge?.stop();
    await server?.close();
    bridge = server = undefined;
  });

  it('a fetch is one start/stop pair with method, scheme, server address and port, path, kind, status and time to headers', async () => {
    const { bus, seen } = busWithRecorder([UNDICI]);
    bridge = bridgeDiagnostics(bus, { http: false, fetch: true });
    server = await startServer((_req, res) => {
      res.statusCode = 202;
      res.end('accepted');
    });
    const res = await fetch(`${server.url}/jobs?page=2`, { method: 'POST', body: 'x' });
    expect(await res.text()).to.equal('accepted');
    await until(() => seen.length === 2, 'the pair');
    const [start, stop] = seen;
    expect([start!.event, stop!.event]).to.deep.equal(['undici.request.start', 'undici.request.stop']);
    expect(start!.metadata).to.include({ kind: 'client', method: 'POST', scheme: 'http', serverAddress: '127.0.0.1', serverPort: Number(new URL(server.url).port), path: '/jobs' });
    expect(stop!.metadata).to.include({ statusCode: 202, spanId: start!.metadata.spanId });
    expect(stop!.measurements.timeToHeaders).to.be.a('number').and.greaterThan(0);
  });

  it('a fetch made inside withCorrelation carries its correlation id', async () => {
    const { bus, seen } = busWithRecorder([UNDICI]);
    bridge = bridgeDiagnostics(bus, { http: false, fetch: true });
    server = await startServer((_req, res) => res.end());
    await withCorrelation('batch-9', async () => (await fetch(server!.url)).text());
    await until(() => seen.length === 2, 'the pair');
    expect(seen.map((e) => e.metadata.correlationId)).to.deep.equal(['batch-9', 'batch-9']);
  });

  it('a fetch made inside a span is its child', async () => {
    const { bus, seen } = busWithRecorder([UNDICI]);
    const outer = recordEvents(bus, [['sync', 'start']]);
    bridge = bridgeDiagnostics(bus, { http: false, fetch: true });
    server = await startServer((_req, res) => res.end());
    await bus.span(['sync'], {}, async () => (await fetch(server!.url)).text());
    await until(() => seen.length === 2, 'the pair');
    expect(seen[0]!.metadata.parentSpanId).to.equal(outer[0]!.metadata.spanId);
  });

  it('a fetch to a refused port ends the span as an exception', async () => {
    const { bus, seen } = busWithRecorder([UNDICI]);
    bridge = bridgeDiagnostics(bus, { http: false, fetch: true });
    const port = await closedPort();
    const failed = await fetch(`http://127.0.0.1:${port}/`).then(
      () => false,
      () => true,
    );
    expect(failed).to.equal(true);
    await until(() => seen.length === 2, 'the pair');
    expect(seen.map((e) => e.event)).to.deep.equal(['undici.request.start', 'undici.request.exception']);
    expect((seen[1]!.metadata.reason as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED');
  });

  it('an aborted fetch ends the span as an exception', async () => {
    const { bus, seen } = busWithRecorder([UNDICI]);
    bridge = bridgeDiagnostics(bus, { http: false, fetch: true });
    server = await startServer((_req, res) => res.write('never ends'));
    const controller = new AbortController();
    const res = await fetch(server.url, { signal: controller.signal });
    controller.abort();
    await res.text().catch(() => undefined);
    await until(() => seen.length === 2, 'the pair');
    expect(seen[1]!.event).to.equal('undici.request.exception');
    expect(seen[1]!.metadata.statusCode).to.equal(200);
  });
});
