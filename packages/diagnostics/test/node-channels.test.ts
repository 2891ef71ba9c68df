import { expect } from 'chai';
import dc from 'node:diagnostics_channel';
import { httpGet, startServer } from './peers.js';

// What this Node publishes for one http.get and one fetch against a local server: the bridge is
// built on these names (read in Node 20.20's lib/_http_server.js and lib/_http_client.js).
const CANDIDATES = [
  'http.server.request.start',
  'http.server.response.created',
  'http.server.response.finish',
  'http.client.request.created',
  'http.client.request.start',
  'http.client.response.finish',
  'undici:request:create',
  'undici:request:headers',
  'undici:request:trailers',
  'net.client.socket',
  'net.server.socket',
];

describe("Node's own channels (what the bridge relies on)", () => {
  it('one http.get and one fetch publish the channels the bridge subscribes to; Node 20 has no *.created channels', async () => {
    const seen = new Set<string>();
    const subscribers = CANDIDATES.map((name) => [name, () => seen.add(name)] as const);
    for (const [name, fn] of subscribers) dc.subscribe(name, fn);
    const server = await startServer((_req, res) => res.end('ok'));
    try {
      await httpGet(server.url);
      await (await fetch(server.url)).text();
    } finally {
      for (const [name, fn] of subscribers) dc.unsubscribe(name, fn);
      await server.close();
    }
    const always = CANDIDATES.filter((n) => !n.endsWith('.created'));
    expect(always.filter((n) => !seen.has(n))).to.deep.equal([]);
    if (Number(process.versions.node.split('.')[0]) === 20) {
      expect(CANDIDATES.filter((n) => n.endsWith('.created') && seen.has(n))).to.deep.equal([]);
    }
  });
});
