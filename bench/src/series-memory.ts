// Child process of scaling.bench: memory per live distribution series, measured in a fresh process
// (argv: <rx|prom-client> <series> <low ns> <high ns> <values per series per window slice>).
// rx: an Aggregator at default settings (60 s window in 6 slices, 2 significant digits) with
// Prometheus' default buckets; every slice of the window filled (the slices rotate on the
// aggregator's timer, moved here by fake timers). prom-client: one Histogram with its default
// buckets. Values are spread log-uniformly over [low, high], so every power of two of the range
// is seen by every series.
import { distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { defaultBuckets } from '@rx-telemetry/prometheus';
import client from 'prom-client';
import { mock } from 'node:test';

export interface SeriesMemory {
  readonly impl: string;
  readonly series: number;
  /** heapUsed + arrayBuffers growth (bytes) per series. */
  readonly bytesPerSeries: number;
  readonly rssPerSeries: number;
}

const [impl, seriesArg, loArg, hiArg, perSliceArg] = process.argv.slice(2);
const SERIES = Number(seriesArg);
const LO = Number(loArg);
const HI = Number(hiArg);
const PER_SLICE = Number(perSliceArg ?? 24);
const SLICES = 6;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function settle(): { heap: number; rss: number } {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss };
}

// Deterministic jitter so series do not all share the same values.
let seed = 7;
function uniform(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return (seed + 0.5) / 2147483648;
}
function value(k: number): number {
  const t = (k + uniform()) / PER_SLICE;
  return LO * Math.pow(HI / LO, Math.min(1, t));
}

const metas = Array.from({ length: SERIES }, (_, i) => ({ route: `/r${i >> 2}`, status: String(200 + (i & 3)) }));
mock.timers.enable({ apis: ['setTimeout'] });
const before = settle();
// What is measured must stay reachable through the measurement: a local that is not read again is
// dead to V8's GC (register liveness), so everything goes on a global.
const retained: unknown[] = [metas];
(globalThis as { benchRetained?: unknown[] }).benchRetained = retained;
if (impl === 'rx') {
  const bus = new Telemetry();
  let clock = 0;
  const agg = new Aggregator(bus, {
    now: () => clock,
    defaultBuckets,
    maxSeriesPerMetric: Math.max(SERIES, 10_000),
    metrics: [distribution('http.request.stop.duration', { tags: ['route', 'status'], unit: { from: 'nanosecond', to: 'second' } })],
  });
  const event = bus.event(['http', 'request', 'stop']);
  const m = { duration: 0 };
  for (let slice = 0; slice < SLICES; slice++) {
    for (let k = 0; k < PER_SLICE; k++) {
      for (let i = 0; i < SERIES; i++) {
        m.duration = value(k);
        event.emit(m, metas[i]);
      }
    }
    clock += 10_000;
    mock.timers.tick(10_000);
  }
  retained.push(bus, agg, event);
} else if (impl === 'prom-client') {
  const registry = new client.Registry();
  const h = new client.Histogram({ name: 'http_request_duration_seconds', help: 'h', labelNames: ['route', 'status'], registers: [registry] });
  for (let k = 0; k < PER_SLICE; k++) {
    for (let i = 0; i < SERIES; i++) h.observe(metas[i], value(k) / 1e9);
  }
  retained.push(registry, h);
} else {
  throw new Error(`series-memory: unknown implementation ${impl}`);
}
const after = settle();
const result: SeriesMemory = { impl, series: SERIES, bytesPerSeries: (after.heap - before.heap) / SERIES, rssPerSeries: (after.rss - before.rss) / SERIES };
process.send?.(result, () => process.disconnect());
