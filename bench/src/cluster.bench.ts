// The primary of @rx-telemetry/cluster (issue 13): per scrape, for 2, 8 and 32 worker_threads
// workers of 100 routes each (a counter and a default-bucket distribution per route: 200 series
// a worker), the wall time of a scrape (collect + merge + render), the primary's own busy time
// (its event loop's active time: the workers' encode runs on their threads), the bytes shipped,
// and the primary's heap: retained between scrapes and grown during one.
import { Telemetry } from '@rx-telemetry/core';
import { ClusterPrimary } from '@rx-telemetry/cluster';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { median, pick, report, type Curve, type Metric, type SuiteResult } from './harness.js';
import { progress } from './progress.js';

const ROUTES = 100;
const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

interface Point {
  readonly workers: number;
  readonly wallMs: number;
  readonly busyMs: number;
  readonly shippedBytes: number;
  readonly retainedBytes: number;
  readonly peakBytes: number;
  readonly renderBytes: number;
}

async function measureWorkers(count: number, scrapes: number): Promise<Point> {
  const base = heap();
  const telemetry = new Telemetry();
  const primary = new ClusterPrimary(telemetry, { collectTimeoutMs: 10_000 });
  const sizes: number[] = [];
  const workers = Array.from({ length: count }, () => {
    const w = new Worker(new URL('./cluster-bench-worker.js', import.meta.url), { workerData: { routes: ROUTES } });
    const sized = (m: { encodedBytes?: number }): void => {
      if (typeof m?.encodedBytes !== 'number') return; // the cluster's own messages pass by
      sizes.push(m.encodedBytes);
      w.off('message', sized);
    };
    w.on('message', sized);
    primary.add(w);
    return w;
  });
  while (primary.workers < count || sizes.length < count) await new Promise((r) => setTimeout(r, 10));
  for (let i = 0; i < 3; i++) await primary.render(); // warm
  const walls: number[] = [];
  const busy: number[] = [];
  const peaks: number[] = [];
  let renderBytes = 0;
  for (let i = 0; i < scrapes; i++) {
    progress.step(`${count} workers: scrape ${i + 1}/${scrapes}`);
    const before = heap();
    const elu = performance.eventLoopUtilization();
    const t0 = performance.now();
    renderBytes = (await primary.render()).length;
    walls.push(performance.now() - t0);
    busy.push(performance.eventLoopUtilization(elu).active);
    peaks.push(process.memoryUsage().heapUsed - before);
  }
  const retained = heap() - base;
  await telemetry.shutdown();
  await Promise.all(workers.map((w) => w.terminate()));
  return {
    workers: count,
    wallMs: median(walls),
    busyMs: median(busy),
    shippedBytes: sizes.reduce((a, b) => a + b, 0),
    retainedBytes: retained,
    peakBytes: median(peaks),
    renderBytes,
  };
}

export async function run(): Promise<SuiteResult> {
  const points: Point[] = [];
  for (const count of pick([2, 8, 32], [2, 8])) points.push(await measureWorkers(count, pick(15, 5)));
  const metrics: Record<string, Metric> = {};
  for (const p of points) {
    const series = p.workers * ROUTES * 2;
    metrics[`scrape wall time, ${p.workers} workers`] = { value: p.wallMs, unit: 'ms', note: `${series.toLocaleString('en-US')} worker series merged into ${ROUTES * 2}; ${Math.round(p.renderBytes / 1024)} KB exposition` };
    metrics[`primary busy time per scrape, ${p.workers} workers`] = { value: p.busyMs, unit: 'ms', note: `${((p.busyMs * 1000) / p.workers).toFixed(0)} µs per worker, ${((p.busyMs * 1e6) / series).toFixed(0)} ns per worker series` };
    metrics[`shipped per scrape, ${p.workers} workers`] = { value: p.shippedBytes, unit: 'B', note: `${Math.round(p.shippedBytes / p.workers)} B per worker` };
    metrics[`primary heap retained between scrapes, ${p.workers} workers`] = { value: p.retainedBytes, unit: 'B', note: 'last states of every worker, self-metrics, after GC' };
    metrics[`primary heap grown during one scrape, ${p.workers} workers`] = { value: p.peakBytes, unit: 'B', note: 'before GC: garbage of the merge and render' };
  }
  const curves: Curve[] = [
    { id: 'cluster-scrape', title: 'one scrape of a cluster primary (200 series per worker)', x: 'workers', y: 'time per scrape', series: [
      { name: 'wall time (collect + merge + render)', points: points.map((p) => [p.workers, p.wallMs * 1e6] as const) },
      { name: 'primary busy time', points: points.map((p) => [p.workers, p.busyMs * 1e6] as const) },
    ] },
  ];
  return report('cluster', [], [], [], { metrics, curves });
}
