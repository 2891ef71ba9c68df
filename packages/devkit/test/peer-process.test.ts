import { expect } from 'chai';
import { createServer } from 'node:net';
import { freePort, httpOk, startPeer } from '../src/peer-process.js';

describe('startPeer', () => {
  it('resolves once ready() says so, and stop() ends the process by PID', async () => {
    const port = await freePort();
    const script = `require('http').createServer((q, r) => r.end('ok')).listen(${port}, '127.0.0.1')`;
    const peer = await startPeer('http-peer', process.execPath, ['-e', script], { ready: () => httpOk(`http://127.0.0.1:${port}/`) });
    const up = await httpOk(`http://127.0.0.1:${port}/`);
    await peer.stop();
    expect([up, peer.child.exitCode !== null || peer.child.signalCode !== null]).to.deep.equal([true, true]);
  });

  it('fails with the peer output when the process exits early', async () => {
    const err = await startPeer('dying', process.execPath, ['-e', 'console.error("no config"); process.exit(3)'], {
      ready: async () => false,
    }).catch((e: unknown) => e as Error);
    expect((err as Error).message).to.match(/dying exited early \(3\)[\s\S]*no config/);
  });

  it('fails when the command does not exist', async () => {
    const err = await startPeer('missing', '/nonexistent/peer-binary', [], { ready: async () => true }).catch((e: unknown) => e as Error);
    expect((err as Error).message).to.match(/cannot start \/nonexistent\/peer-binary/);
  });
});

describe('freePort', () => {
  it('returns a port that can be bound on 127.0.0.1', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    server.close();
    expect(port).to.be.within(1, 65535);
  });
});
