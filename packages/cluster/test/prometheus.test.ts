// The pool under a bounded load on 127.0.0.1, scraped every second by a real Prometheus 2.42 while
// one worker is killed and replaced: node:cluster (SIGKILL of a worker process) and worker_threads
// (terminate() of a thread), side by side against one Prometheus.
import { freePort, startPeer, type PeerProcess } from '@rx-telemetry/devkit/peer-process';
import { startPrometheus, type PrometheusPeer, type PromSample } from '@rx-telemetry/devkit/prometheus';
import { expect } from 'chai';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { BUCKETS } from './fixtures/app-metrics.js';

const RATE = 100; // requests per second, per app
const LOAD_MS = 16_000;
const WINDOW_S = 10;

interface App {
  readonly job: 'cluster' | 'threads';
  readonly peer: PeerProcess;
  readonly appPort: number;
  readonly metricsUrl: string;
  /** Completion times (epoch ms) of requests answered 200. */
  readonly done: number[];
  failed: number;
  skipped: number;
}

async function startApp(job: App['job']): Promise<App> {
  const appPort = await freePort();
  const metricsPort = await freePort();
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  const script = fileURLToPath(new URL(`./fixtures/${job}-app.js`, import.meta.url));
  const peer = await startPeer(job, process.execPath, [script], {
    env: { ...process.env, WORKERS: '4', APP_PORT: String(appPort), METRICS_PORT: String(metricsPort) },
    ready: async () => /rx_telemetry_cluster_workers 4\n/.test(await (await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(2000) })).text()),
    timeoutMs: 40_000,
  });
  return { job, peer, appPort, metricsUrl, done: [], failed: 0, skipped: 0 };
}

function hit(app: App, ms: number): Promise<void> {
  return new Promise((resolve) => {
    // `timeout` only emits 'timeout': without the destroy a request the app never answers would
    // hold the drain at the end of load() until the hook's own timeout.
    const req = request({ host: '127.0.0.1', port: app.appPort, path: `/work?ms=${ms}`, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) app.done.push(Date.now());
        else app.failed++;
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', () => {
      app.failed++;
      resolve();
    });
    req.end();
  });
}

// 95% fast (1–20 ms), 5% slow (100–400 ms): the p99 lies among the slow ones.
function duration(i: number): number {
  return i % 20 === 7 ? 100 + ((i * 37) % 300) : 1 + ((i * 13) % 20);
}

/** RATE requests a second for `ms`, at most 32 in flight (beyond that a tick is skipped and counted). */
async function load(app: App, ms: number, midway: () => Promise<void>): Promise<void> {
  const start = Date.now();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let killed = false;
  while (Date.now() - start < ms) {
    const due = Math.floor(((Date.now() - start) * RATE) / 1000);
    while (sent < due) {
      if (inFlight.size >= 32) app.skipped++;
      else {
        const p = hit(app, duration(sent)).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      sent++;
    }
    if (!killed && Date.now() - start >= ms / 2) {
      killed = true;
      await midway();
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(inFlight);
}

/** `work()` within `ms`, or an error naming the step: the hook's own timeout would not say which step hung. */
async function step<T>(label: string, ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const started = Date.now();
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${label}: not done after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (Date.now() - started > ms / 2) console.error(`  (${label} took ${Date.now() - started} ms)`);
  }
}

async function queryAt(prometheus: PrometheusPeer, promql: string, atMs?: number): Promise<PromSample[]> {
  const at = atMs === undefined ? '' : `&time=${atMs / 1000}`;
  const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}${at}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: PromSample[] } };
  if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
  return body.data.result;
}

describe('a pool scraped by a real Prometheus while a worker is killed and replaced', function () {
  // The steps' own limits add up to 140 s; on an idle 2-core machine the hook takes ~25 s.
  this.timeout(150_000);
  const apps: App[] = [];
  let prometheus: PrometheusPeer;
  let loadEnd = 0;

  before(async () => {
    apps.push(...(await step('starting the two apps', 45_000, () => Promise.all([startApp('cluster'), startApp('threads')]))));
    prometheus = await step('starting Prometheus', 20_000, () => startPrometheus(apps.map((a) => ({ job: a.job, target: new URL(a.metricsUrl).host })), { intervalS: 1 }));
    // Series exist before the load starts, so rate() sees the whole window.
    await step('the first requests', 10_000, () => Promise.all(apps.map((a) => Promise.all(Array.from({ length: 8 }, (_, i) => hit(a, duration(i)))))));
    await step('the first scrapes', 25_000, async () => {
      for (const a of apps) await prometheus.waitFor(`http_requests_total{job="${a.job}"}`, (r) => r.length === 1 && Number(r[0].value[1]) >= 8);
    });
    await step('the load with a kill midway', LOAD_MS + 20_000, () =>
      Promise.all([
        load(apps[0], LOAD_MS, async () => {
          const pids = (await (await fetch(`${apps[0].metricsUrl}/workers`, { signal: AbortSignal.timeout(5000) })).json()) as number[];
          process.kill(pids[1], 'SIGKILL');
        }),
        load(apps[1], LOAD_MS, async () => {
          await (await fetch(`${apps[1].metricsUrl}/kill`, { signal: AbortSignal.timeout(5000) })).text();
        }),
      ]),
    );
    loadEnd = Date.now();
    await new Promise((r) => setTimeout(r, 2500)); // the last scrapes
  });

  after(async () => {
    await prometheus?.stop();
    await Promise.all(apps.map((a) => a.peer.stop()));
  });

  for (const job of ['cluster', 'threads'] as const) {
    describe(job === 'cluster' ? 'node:cluster, 4 workers, one SIGKILLed' : 'worker_threads, 4 threads, one terminated', () => {
      const app = (): App => apps.find((a) => a.job === job) as App;

      it('lost a worker and replaced it during the load', async () => {
        const [exits] = await queryAt(prometheus, `sum(rx_telemetry_cluster_worker_exits_total{job="${job}"})`);
        expect(Number(exits?.value[1])).to.equal(1);
        const [workers] = await queryAt(prometheus, `rx_telemetry_cluster_workers{job="${job}"}`);
        expect(Number(workers?.value[1])).to.equal(4);
        expect(app().skipped).to.equal(0);
      });

      it(`rate() of the request counter over ${WINDOW_S} s across the kill matches the requests made within 5%`, async () => {
        const at = loadEnd - 1000;
        const [r] = await queryAt(prometheus, `sum(rate(http_requests_total{job="${job}"}[${WINDOW_S}s]))`, at);
        const made = app().done.filter((t) => t > at - WINDOW_S * 1000 && t <= at).length / WINDOW_S;
        const rate = Number(r?.value[1]);
        expect(made).to.be.within(RATE * 0.8, RATE * 1.05);
        expect(Math.abs(rate - made) / made, `Prometheus ${rate}/s, made ${made}/s`).to.be.below(0.05);
      });

      it('no counter or bucket count decreased between scrapes', async () => {
        const [scrapes] = await queryAt(prometheus, `count_over_time(up{job="${job}"}[2m])`);
        expect(Number(scrapes?.value[1])).to.be.at.least(15);
        const [up] = await queryAt(prometheus, `min_over_time(up{job="${job}"}[2m])`);
        expect(up?.value[1]).to.equal('1');
        for (const series of ['http_requests_total', 'http_request_duration_seconds_bucket', 'http_request_duration_seconds_count']) {
          const resets = await queryAt(prometheus, `resets(${series}{job="${job}"}[2m])`);
          expect(resets.length, series).to.be.greaterThan(0);
          expect(resets.filter((s) => s.value[1] !== '0').map((s) => s.metric), series).to.deep.equal([]);
        }
      });

      it('histogram_quantile(0.99) over the merged buckets falls in the bucket of the merged HDR p99', async () => {
        const { count, p99 } = (await (await fetch(`${app().metricsUrl}/p99`)).json()) as { count: number; p99: number };
        // The same data: Prometheus' latest scrape holds every request the merge holds.
        await prometheus.waitFor(`sum(http_request_duration_seconds_count{job="${job}"})`, (r) => Number(r[0]?.value[1]) === count, 5000);
        const upper = BUCKETS.find((b) => b >= p99) as number;
        const lower = BUCKETS[BUCKETS.indexOf(upper) - 1] ?? 0;
        const [q] = await queryAt(prometheus, `histogram_quantile(0.99, sum by (le) (http_request_duration_seconds_bucket{job="${job}"}))`);
        expect(Number(q?.value[1]), `p99 ${p99} in (${lower}, ${upper}]`).to.be.within(lower, upper);
      });
    });
  }
});
