// Child process of hdr.bench, measured in a fresh process so nothing else in the bench pollutes it.
// `hdr-memory.js <series>`: RSS growth of <series> windowed distribution series at default settings.
// `hdr-memory.js churn <distinct> <perSecond>`: a steady churn of label values (<perSecond> new
// values each simulated second, <distinct> over the run) through a counter and a distribution with
// idleSeriesMs; RSS, heap and live series sampled along the way (the curve must go flat).
import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { defaultBuckets } from '@rx-telemetry/prometheus';
import { mock } from 'node:test';

export interface ChurnPoint {
  /** Distinct label values recorded so far. */
  readonly distinct: number;
  readonly rssBytes: number;
  /** heapUsed + arrayBuffers. */
  readonly heapBytes: number;
  /** Series held by the aggregator (both metrics). */
  readonly live: number;
  readonly removed: number;
}

export interface ChurnResult {
  readonly idleSeriesMs: number;
  readonly perSecond: number;
  readonly points: readonly ChurnPoint[];
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function settle(): { rss: number; heap: number } {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.arrayBuffers };
}

// Log-normal latencies (median 2..20 ms per series, sigma 0.6), the usual shape of one endpoint.
let seed = 42;
function uniform(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return (seed + 0.5) / 2147483648;
}
function lognormal(median: number): number {
  const z = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return median * Math.exp(0.6 * z);
}

// The window's slices rotate on the aggregator's timer: fake timers move it with the clock.
mock.timers.enable({ apis: ['setTimeout'] });
let clock = 0;
const event = ['http', 'request', 'stop'];

function series(count: number): void {
  const telemetry = new Telemetry();
  const before = settle();
  const agg = new Aggregator(telemetry, {
    now: () => clock,
    defaultBuckets,
    metrics: [distribution('http.request.stop.duration', { tags: ['route', 'status'], unit: { from: 'nanosecond', to: 'second' } })],
  });
  const metas = Array.from({ length: count }, (_, i) => ({ route: `/r${i % 250}`, status: String(200 + Math.floor(i / 250)) }));
  // Fill every window slice: 6 slices of 10 s, 200 values per series per slice. One reused
  // measurement object: 1.2M short-lived objects would grow the young generation and show up in
  // RSS as garbage-collector slack, not as series memory.
  const m = { duration: 0 };
  for (let slice = 0; slice < 6; slice++) {
    for (let k = 0; k < 200; k++) {
      for (let i = 0; i < count; i++) {
        m.duration = lognormal(2e6 + (i % 10) * 2e6);
        telemetry.emit(event, m, metas[i]);
      }
    }
    clock += 10_000;
    mock.timers.tick(10_000);
  }
  const after = settle();
  process.send?.({
    series: agg.snapshot().metrics[0].series.length,
    rssBytes: after.rss - before.rss,
    countBytes: agg.histogramBytes(),
    heapBytes: after.heap - before.heap,
  });
  void agg.stop();
}

function churn(distinct: number, perSecond: number): void {
  const idleSeriesMs = 30_000;
  const telemetry = new Telemetry();
  const agg = new Aggregator(telemetry, {
    now: () => clock,
    defaultBuckets,
    idleSeriesMs,
    maxSeriesPerMetric: 1_000_000,
    metrics: [counter('http.request.stop.count', { tags: ['user'] }), distribution('http.request.stop.duration', { tags: ['user'], unit: { from: 'nanosecond', to: 'second' } })],
  });
  const points: ChurnPoint[] = [];
  const sample = (n: number): void => {
    const s = settle();
    let live = 0;
    let removed = 0;
    agg.collect({
      metric: (m) => {
        live += m.liveSeries;
        removed += m.removedSeries;
        return false;
      },
    });
    points.push({ distinct: n, rssBytes: s.rss, heapBytes: s.heap, live, removed });
  };
  const m = { duration: 0 };
  const seconds = Math.ceil(distinct / perSecond);
  const every = Math.max(1, Math.floor(seconds / 20));
  let n = 0;
  sample(0);
  for (let second = 1; second <= seconds; second++) {
    // Each new user makes three requests within the second it appears, then is never seen again.
    for (let k = 0; k < perSecond && n < distinct; k++, n++) {
      const md = { user: `user-${n}` };
      for (let r = 0; r < 3; r++) {
        m.duration = lognormal(5e6);
        telemetry.emit(event, m, md);
      }
    }
    clock += 1_000;
    mock.timers.tick(1_000);
    if (second % every === 0 || second === seconds) sample(n);
  }
  const result: ChurnResult = { idleSeriesMs, perSecond, points };
  process.send?.(result);
  void agg.stop();
}

if (process.argv[2] === 'churn') churn(Number(process.argv[3] ?? 1_000_000), Number(process.argv[4] ?? 1_000));
else series(Number(process.argv[2] ?? 1000));
