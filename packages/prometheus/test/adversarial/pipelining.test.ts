// Issue 14 item 4: 400 pipelined GET /metrics on one socket that never reads made the server
// render 400 bodies and hold them all (+1.2 GB) for as long as the client stayed; sockets had no
// write timeout. Now one response is in flight per connection, a response the client does not
// take within writeTimeoutMs is abandoned with its connection, and more than MAX_PIPELINED waiting
// requests close the connection. The first test failed before the fix (20 renders, and the
// socket was never closed: the test timed out).
import { counter, Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { Aggregator } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { CONNECTION_CLOSED_EVENT, MAX_PIPELINED, PrometheusReporter, SCRAPE_EVENT } from '../../src/index.js';

function open(url: string): Socket {
  const { hostname, port } = new URL(url);
  return connect(Number(port), hostname);
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

// A client that never reads sees the server's FIN only once it reads: wait for the server's
// event, then drain and see the connection end.
async function closedByServer(socket: Socket, events: readonly unknown[]): Promise<void> {
  while (events.length === 0) await new Promise((r) => setTimeout(r, 10));
  const done = closed(socket);
  socket.resume();
  await done;
}

const REQUEST = 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n';

describe('adversarial: what one /metrics connection can make the server hold', function () {
  this.timeout(30_000);
  let telemetry: Telemetry;
  let reporter: PrometheusReporter;
  beforeEach(() => {
    telemetry = new Telemetry();
    const aggregator = new Aggregator(telemetry, { metrics: [counter('a.b.count', { tags: ['k'] })] });
    // ~8 MB per render: more than the kernel buffers of a connection whose client never reads.
    const pad = 'x'.repeat(10_000);
    for (let i = 0; i < 800; i++) telemetry.emit(['a', 'b'], {}, { k: `${i}${pad}` });
    reporter = new PrometheusReporter(telemetry, { aggregator });
  });
  afterEach(() => telemetry.shutdown());

  it('renders one response at a time for a client that pipelines and never reads, then drops it at writeTimeoutMs', async () => {
    const scrapes = recordEvents(telemetry, [[...SCRAPE_EVENT, 'start']]);
    const closes = recordEvents(telemetry, [[...CONNECTION_CLOSED_EVENT]]);
    const server = await reporter.listen({ port: 0, writeTimeoutMs: 1_000 });
    const socket = open(server.url);
    socket.pause(); // never read
    socket.write(REQUEST.repeat(10));
    await closedByServer(socket, closes);
    expect(scrapes).to.have.length(1);
    expect(closes.map((c) => c.metadata.reason)).to.deep.equal(['write_timeout']);
    expect((await fetch(`${server.url}/health`)).status).to.equal(200);
  });

  it(`closes a connection with more than MAX_PIPELINED (${MAX_PIPELINED}) requests waiting`, async () => {
    const closes = recordEvents(telemetry, [[...CONNECTION_CLOSED_EVENT]]);
    const server = await reporter.listen({ port: 0 });
    const socket = open(server.url);
    socket.pause();
    socket.write(REQUEST.repeat(MAX_PIPELINED + 5));
    await closedByServer(socket, closes);
    expect(closes.map((c) => c.metadata.reason)).to.deep.equal(['pipeline_limit']);
  });

  it('still answers every pipelined request, in order, to a client that reads', async () => {
    const server = await reporter.listen({ port: 0 });
    const socket = open(server.url);
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (data += d));
    socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await closed(socket);
    const statuses = [...data.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
    expect(statuses).to.deep.equal(['200', '200', '404']);
  });

  it('keeps a normal keep-alive scraper unaffected: sequential scrapes on one connection all succeed', async () => {
    const server = await reporter.listen({ port: 0, writeTimeoutMs: 5_000 });
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).to.equal(200);
      expect((await res.text()).length).to.be.greaterThan(8_000_000);
    }
  });
});
