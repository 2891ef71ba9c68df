import { expect } from 'chai';
import dc from 'node:diagnostics_channel';
import { Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { bridgeDiagnostics } from '../src/index.js';
import { busWithRecorder, httpGet, SERVER, startServer, until } from './peers.js';

const ALL = [
  'http.server.request.start',
  'http.server.response.finish',
  'http.client.request.start',
  'http.client.response.finish',
  'http.client.request.error',
  'undici:request:create',
  'undici:request:headers',
  'undici:request:trailers',
  'undici:request:error',
  'net.client.socket',
  'net.server.socket',
  'worker_threads',
];
const subscribed = (): string[] => ALL.filter((name) => dc.hasSubscribers(name));

describe('the bridge lifecycle', () => {
  it('before bridgeDiagnostics no channel has a subscriber (Node publishes nothing: idle cost zero)', () => {
    expect(subscribed()).to.deep.equal([]);
  });

  it('while it runs it is subscribed to exactly the chosen channels', async () => {
    const bridge = bridgeDiagnostics(new Telemetry(), { http: { client: true }, fetch: false, net: true });
    try {
      expect(subscribed()).to.deep.equal(['http.client.request.start', 'http.client.response.finish', 'http.client.request.error', 'net.client.socket', 'net.server.socket']);
      expect(bridge.channels).to.deep.equal(subscribed());
    } finally {
      await bridge.stop();
    }
  });

  it('stop() leaves no subscription on any channel and empties channels', async () => {
    const bridge = bridgeDiagnostics(new Telemetry(), { http: true, fetch: true, net: true, workers: true });
    expect(subscribed()).to.have.length(ALL.length);
    await bridge.stop();
    expect([subscribed(), bridge.channels]).to.deep.equal([[], []]);
  });

  it('stop() is idempotent: every call returns the same promise', async () => {
    const bridge = bridgeDiagnostics(new Telemetry());
    const first = bridge.stop();
    expect(bridge.stop()).to.equal(first);
    await first;
  });

  it('is registered with the bus: shutdown() stops it', async () => {
    const bus = new Telemetry();
    bridgeDiagnostics(bus);
    const report = await bus.shutdown();
    expect(report.stopped.filter((n) => n.startsWith('diagnostics-bridge-'))).to.have.length(1);
    expect(subscribed()).to.deep.equal([]);
  });

  it('stop() ends the span of a request still in flight as an exception before it resolves, and nothing is emitted after', async () => {
    const { bus, seen } = busWithRecorder([SERVER]);
    const bridge = bridgeDiagnostics(bus, { http: { server: true } });
    let respond: () => void = () => undefined;
    const server = await startServer((_req, res) => (respond = () => res.end()));
    const request = httpGet(server.url);
    await until(() => seen.length === 1, 'the start');
    expect(bridge.openRequests).to.equal(1);
    await bridge.stop();
    expect(seen.map((e) => e.event)).to.deep.equal(['http.server.request.start', 'http.server.request.exception']);
    expect(String(seen[1]!.metadata.reason)).to.include('bridge stopped');
    respond();
    await request;
    await server.close();
    expect(seen).to.have.length(2);
  });

  it('a second bridge on the same bus is a TypeError; after stop() a new one may start', async () => {
    const bus = new Telemetry();
    const first = bridgeDiagnostics(bus);
    expect(() => bridgeDiagnostics(bus)).to.throw(TypeError, /already has a running bridge/);
    await first.stop();
    await bridgeDiagnostics(bus).stop();
  });

  it('started while nobody listens, a request is not traced: no span work, nothing held', async () => {
    const bus = new Telemetry();
    const bridge = bridgeDiagnostics(bus);
    const server = await startServer(async (req, res) => {
      if (req.url === '/outer') await (await fetch(`${server.url}/inner`)).text();
      res.end();
    });
    try {
      await httpGet(`${server.url}/outer`);
      expect(bridge.openRequests).to.equal(0);
    } finally {
      await bridge.stop();
      await server.close();
    }
  });

  it('maxOpenRequests bounds the requests traced at once; the rest are counted in telemetry.diagnostics.dropped', async () => {
    const { bus, seen } = busWithRecorder([SERVER]);
    const dropped = recordEvents(bus, [['telemetry', 'diagnostics', 'dropped']]);
    const bridge = bridgeDiagnostics(bus, { http: { server: true }, maxOpenRequests: 1 });
    const held: (() => void)[] = [];
    const server = await startServer((_req, res) => held.push(() => res.end()));
    const requests = [httpGet(server.url), httpGet(server.url)];
    await until(() => held.length === 2, 'both requests in the handler');
    held.forEach((release) => release());
    await Promise.all(requests);
    await until(() => seen.length === 2, 'one traced pair');
    await bridge.stop();
    await server.close();
    expect(seen.map((e) => e.event)).to.deep.equal(['http.server.request.start', 'http.server.request.stop']);
    expect(dropped.map((e) => [e.measurements.count, e.metadata.reason, e.metadata.limit])).to.deep.equal([[1, 'max_open_requests', 1]]);
  });
});
