// Issue 14, item 7: StatsD over TCP to a server that accepts but never reads. Before the fix
// hot-shots' TCP transport queued every packet in the client (RSS 140 -> 291 MB over 3M events),
// and nothing was counted.
import { createServer, type Server, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { counter, Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { expect } from 'chai';
import { STATSD_DROPPED_EVENT, STATSD_ERROR_EVENT, StatsdReporter } from '../../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A TCP server that accepts and does not read until `resume()`; then counts the lines it receives. */
interface StalledServer {
  readonly port: number;
  resume(): void;
  /** Resolves with every line received once the client has closed the connection. */
  lines(): Promise<string[]>;
  close(): Promise<void>;
}

async function stalledServer(): Promise<StalledServer> {
  let socket: Socket | undefined;
  let text = '';
  let ended: Promise<void> | undefined;
  const server: Server = createServer();
  const connected = new Promise<Socket>((resolve) => {
    server.once('connection', (s: Socket) => {
      s.pause();
      socket = s;
      ended = new Promise((r) => s.once('end', r));
      resolve(s);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    resume() {
      void connected.then((s) => {
        s.setEncoding('latin1');
        s.on('data', (chunk: string) => void (text += chunk));
        s.resume();
      });
    },
    async lines() {
      await connected;
      await ended;
      return text.split('\n').filter((l) => l.length !== 0);
    },
    close: () => {
      socket?.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const yieldToIo = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('adversarial: StatsD over TCP to a server that never reads', function () {
  this.timeout(60_000);

  it('holds at most maxQueueBytes, drops the rest, and every line is received or counted as dropped', async () => {
    const server = await stalledServer();
    const bus = new Telemetry();
    const drops = recordEvents(bus, [STATSD_DROPPED_EVENT]);
    const maxQueueBytes = 64 * 1024;
    const reporter = new StatsdReporter(bus, { metrics: [counter('stall.job.done.count', { tags: ['payload'] })], port: server.port, protocol: 'tcp', maxQueueBytes });
    try {
      const payload = { payload: 'p'.repeat(200) };
      const handle = bus.event(['stall', 'job', 'done']);
      await new Promise((r) => setTimeout(r, 50));
      gc();
      const before = process.memoryUsage().heapUsed;
      // ~225 bytes a line, 45 MB in all: far more than the kernel's socket buffers hold.
      const n = 200_000;
      for (let i = 0; i < n; i += 5_000) {
        for (let j = 0; j < 5_000; j++) handle.emit({}, payload);
        await yieldToIo();
      }
      gc();
      const grown = process.memoryUsage().heapUsed - before;
      expect(grown, `heap grew ${(grown / 1e6).toFixed(1)} MB`).to.be.below(12e6);
      expect(reporter.dropped).to.be.greaterThan(0);

      server.resume();
      await reporter.stop();
      const received = await server.lines();
      expect(received.every((l) => l === `stall.job.done.count.${payload.payload}:1|c`)).to.equal(true);
      expect(received.length + reporter.dropped).to.equal(n);
      // Reported as events, at most once a second and once more on stop(), adding up to the count.
      expect(drops.reduce((s, e) => s + e.measurements.count, 0)).to.equal(reporter.dropped);
      expect(drops.at(-1)?.measurements.total).to.equal(reporter.dropped);
      expect(drops.every((e) => e.metadata.reporter === reporter.id)).to.equal(true);
    } finally {
      await reporter.stop();
      await server.close();
    }
  });

  it('counts what is still queued when stop() gives up on a server that never reads, in one report and no error storm', async () => {
    const server = await stalledServer();
    const bus = new Telemetry();
    const drops = recordEvents(bus, [STATSD_DROPPED_EVENT]);
    const errors = recordEvents(bus, [STATSD_ERROR_EVENT]);
    const reporter = new StatsdReporter(bus, { metrics: [counter('stuck.job.done.count', { tags: ['payload'] })], port: server.port, protocol: 'tcp', maxBufferSize: 0 });
    try {
      const handle = bus.event(['stuck', 'job', 'done']);
      const payload = { payload: 'q'.repeat(500) };
      const n = 40_000;
      for (let i = 0; i < n; i += 2_000) {
        for (let j = 0; j < 2_000; j++) handle.emit({}, payload);
        await yieldToIo();
      }
      const started = Date.now();
      await reporter.stop();
      expect(Date.now() - started).to.be.below(4_000);
      // The kernel still delivers what it took before the close; the rest was counted.
      server.resume();
      const received = await server.lines();
      expect(received.length + reporter.dropped).to.equal(n);
      expect(reporter.dropped).to.be.greaterThan(0);
      expect(errors).to.deep.equal([]);
      expect(drops.at(-1)?.measurements.total).to.equal(reporter.dropped);
    } finally {
      await server.close();
    }
  });
});
