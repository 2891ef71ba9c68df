import { expect } from 'chai';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { bridgeDiagnostics, type DiagnosticsBridge } from '../src/index.js';
import { startServer, until, type TestServer } from './peers.js';

describe('net and worker_threads channels become plain events', () => {
  let bridge: DiagnosticsBridge | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await bridge?.stop();
    await server?.close();
    bridge = server = undefined;
  });

  it('net: one net.client.socket and one net.server.socket event per connection', async () => {
    const bus = new Telemetry();
    const seen = recordEvents(bus, [['net', 'client', 'socket'], ['net', 'server', 'socket']]);
    bridge = bridgeDiagnostics(bus, { http: false, fetch: false, net: true });
    server = await startServer((_req, res) => res.end());
    const port = Number(new URL(server.url).port);
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end());
      socket.on('close', () => resolve()).on('error', reject);
    });
    await until(() => seen.length === 2, 'two events');
    expect(seen.map((e) => e.event).sort()).to.deep.equal(['net.client.socket', 'net.server.socket']);
    expect(seen.map((e) => e.measurements)).to.deep.equal([{ count: 1 }, { count: 1 }]);
  });

  it('workers: created with its threadId, exited with its exit code and lifetime', async () => {
    const bus = new Telemetry();
    const seen = recordEvents(bus, [['worker_threads', 'created'], ['worker_threads', 'exited']]);
    bridge = bridgeDiagnostics(bus, { http: false, fetch: false, workers: true });
    const worker = new Worker('process.exit(3)', { eval: true });
    const threadId = worker.threadId;
    const exitCode = await new Promise<number>((resolve) => worker.once('exit', resolve));
    expect(exitCode).to.equal(3);
    expect(seen.map((e) => e.event)).to.deep.equal(['worker_threads.created', 'worker_threads.exited']);
    expect(seen[0]!.metadata).to.deep.equal({ threadId });
    expect(seen[1]!.metadata).to.deep.equal({ threadId, exitCode: 3 });
    expect(seen[1]!.measurements.duration).to.be.greaterThan(0);
  });

  it('workers: stop() removes the exit listener from a worker still running, and nothing is emitted after', async () => {
    const bus = new Telemetry();
    const seen = recordEvents(bus, [['worker_threads', 'exited']]);
    bridge = bridgeDiagnostics(bus, { http: false, fetch: false, workers: true });
    const worker = new Worker('setTimeout(() => {}, 60_000)', { eval: true });
    const listeners = worker.listenerCount('exit');
    await bridge.stop();
    expect(worker.listenerCount('exit')).to.equal(listeners - 1);
    await worker.terminate();
    expect(seen).to.have.length(0);
  });
});
