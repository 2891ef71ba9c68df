import { counter, Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { ClusterPrimary, joinCluster, WORKER_EXIT_EVENT, WORKER_MISSING_EVENT } from '../src/index.js';
import { Aggregator } from '@rx-telemetry/hdr';

const WORKER = new URL('./fixtures/thread-worker.js', import.meta.url);

function reply(w: Worker, done: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (m: { done?: string }): void => {
      if (m?.done !== done) return;
      w.off('message', on);
      resolve();
    };
    w.on('message', on);
  });
}

async function emit(w: Worker, n: number, route: string, durationNs = 5_000_000): Promise<void> {
  const r = reply(w, 'emit');
  w.postMessage({ do: 'emit', n, route, durationNs });
  await r;
}

function sample(text: string, line: string): number | undefined {
  const hit = text.split('\n').find((l) => l.startsWith(`${line} `));
  return hit === undefined ? undefined : Number(hit.slice(line.length + 1));
}

async function joined(primary: ClusterPrimary, n: number): Promise<void> {
  while (primary.workers < n) await new Promise((r) => setTimeout(r, 5));
}

describe('ClusterPrimary with worker_threads', function () {
  this.timeout(20_000);
  let telemetry: Telemetry;
  let primary: ClusterPrimary;
  let workers: Worker[];

  beforeEach(async () => {
    telemetry = new Telemetry();
    primary = new ClusterPrimary(telemetry, { collectTimeoutMs: 1000 });
    workers = [0, 1, 2].map(() => new Worker(WORKER));
    for (const w of workers) primary.add(w);
    await joined(primary, 3);
  });

  afterEach(async () => {
    await telemetry.shutdown();
    await Promise.all(workers.map((w) => w.terminate()));
  });

  it('serves the sum of every worker: counters add, histogram buckets add exactly', async () => {
    await emit(workers[0], 10, '/a', 500_000);
    await emit(workers[1], 20, '/a', 5_000_000);
    await emit(workers[2], 5, '/b', 50_000_000);
    const text = await primary.render();
    expect(sample(text, 'http_requests_total{route="/a"}')).to.equal(30);
    expect(sample(text, 'http_requests_total{route="/b"}')).to.equal(5);
    expect(sample(text, 'http_request_duration_seconds_bucket{route="/a",le="0.001"}')).to.equal(10);
    expect(sample(text, 'http_request_duration_seconds_bucket{route="/a",le="0.01"}')).to.equal(30);
    expect(sample(text, 'rx_telemetry_cluster_workers')).to.equal(3);
  });

  it('serves a worker that does not answer in time from its last state, counts it and says so, without waiting for it', async () => {
    const missing = recordEvents(telemetry, [[...WORKER_MISSING_EVENT]]);
    await emit(workers[0], 7, '/a');
    await primary.render(); // its state is now known
    await emit(workers[0], 3, '/a');
    const blocking = reply(workers[0], 'blocking');
    workers[0].postMessage({ do: 'block', ms: 2500 });
    await blocking;
    await emit(workers[1], 1, '/a');
    const started = performance.now();
    const text = await primary.render();
    expect(performance.now() - started).to.be.within(900, 2000);
    expect(sample(text, 'http_requests_total{route="/a"}')).to.equal(8); // 7 (last state) + 1
    expect(sample(text, 'rx_telemetry_cluster_missing_workers_total')).to.equal(1);
    expect(missing.map((e) => e.metadata)).to.deep.equal([{ worker: `thread-${workers[0].threadId}`, served: 'last_state' }]);
  });

  it('folds the last state of a worker that dies into the totals, so counters never go backwards', async () => {
    const exits = recordEvents(telemetry, [[...WORKER_EXIT_EVENT]]);
    await emit(workers[0], 40, '/a');
    await emit(workers[1], 2, '/a');
    const before = sample(await primary.render(), 'http_requests_total{route="/a"}');
    await workers[0].terminate();
    const replacement = new Worker(WORKER);
    workers.push(replacement);
    primary.add(replacement);
    await joined(primary, 3);
    await emit(replacement, 1, '/a');
    const text = await primary.render();
    expect(before).to.equal(42);
    expect(sample(text, 'http_requests_total{route="/a"}')).to.equal(43);
    expect(sample(text, 'rx_telemetry_cluster_worker_exits_total{reason="exit"}')).to.equal(1);
    expect(exits.map((e) => e.metadata.folded)).to.deep.equal([true]);
  });

  it("takes a worker's last state when it shuts down, events since the last collect included", async () => {
    await emit(workers[2], 4, '/c');
    const exited = new Promise((r) => workers[2].once('exit', r));
    workers[2].postMessage({ do: 'shutdown' });
    await exited;
    const text = await primary.render();
    expect(sample(text, 'http_requests_total{route="/c"}')).to.equal(4);
    expect(sample(text, 'rx_telemetry_cluster_worker_exits_total{reason="leave"}')).to.equal(1);
    expect(primary.workers).to.equal(2);
  });

  it('serves /metrics with listen(), merged per scrape, and stop() closes it', async () => {
    await emit(workers[1], 3, '/a');
    const server = await primary.listen({ port: 0 });
    const body = await (await fetch(`${server.url}/metrics`, { headers: { Accept: 'application/openmetrics-text' } })).text();
    expect(sample(body, 'http_requests_total{route="/a"}')).to.equal(3);
    expect(body.endsWith('# EOF\n')).to.equal(true);
    await primary.stop();
    let refused = false;
    await fetch(`${server.url}/metrics`).catch(() => (refused = true));
    expect(refused).to.equal(true);
  });
});

describe('ClusterPrimary and joinCluster wiring', () => {
  it('serves the primary alone before any worker joined', async () => {
    const telemetry = new Telemetry();
    const primary = new ClusterPrimary(telemetry);
    const text = await primary.render();
    expect(sample(text, 'rx_telemetry_cluster_workers')).to.equal(0);
    await telemetry.shutdown();
  });

  it('refuses joinCluster outside a worker, and bad options, with a TypeError', async () => {
    const telemetry = new Telemetry();
    const aggregator = new Aggregator(telemetry, { metrics: [counter('a.b.count')] });
    expect(() => joinCluster(telemetry, { aggregator })).to.throw(TypeError, /node:cluster worker or a worker_threads worker/);
    expect(() => joinCluster(new Telemetry(), { aggregator })).to.throw(TypeError, /another Telemetry bus/);
    expect(() => new ClusterPrimary(telemetry, { collectTimeoutMs: 0 })).to.throw(TypeError, /collectTimeoutMs/);
    const primary = new ClusterPrimary(telemetry);
    expect(() => primary.add({} as Worker)).to.throw(TypeError, /cluster Worker or a worker_threads Worker/);
    await telemetry.shutdown();
  });
});
