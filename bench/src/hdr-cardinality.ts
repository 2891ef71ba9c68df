// hdr at high cardinality (issue 11): a record into one of N live series chosen uniformly at
// random (N = 10; 1,000; 10,000; 100,000), distribution and counter, beside prom-client at the
// same cardinality in the same process (paired batches); bytes per series for values over 1–50 ms
// and 100 µs–10 s (a fresh child process each, the scaling suite's series-memory.js).
import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { defaultBuckets } from '@rx-telemetry/prometheus';
import client from 'prom-client';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measure, pick, type CaseResult, type Curve, type Metric } from './harness.js';
import { progress } from './progress.js';
import type { SeriesMemory } from './series-memory.js';

const NS_TO_S = { from: 'nanosecond', to: 'second' } as const;
/** 64 durations spread log-uniformly over 1–50 ms (ns). */
const DURATIONS = Array.from({ length: 64 }, (_, k) => ({ duration: Math.round(1e6 * Math.pow(50, ((k * 37) % 64) / 63)) }));
const SECONDS = DURATIONS.map((d) => d.duration / 1e9);

const label = (n: number): string => n.toLocaleString('en-US');
export const distName = (n: number): string => `rx distribution, ${label(n)} live series`;
export const promName = (n: number): string => `prom-client Histogram.observe, ${label(n)} live series`;
export const counterName = (n: number): string => `rx counter, ${label(n)} live series`;
export const promCounterName = (n: number): string => `prom-client Counter.inc, ${label(n)} live series`;

/** A fixed pseudo-random sequence of series indexes, the same for every side. */
function randomOrder(series: number): Uint32Array {
  const order = new Uint32Array(1 << 16);
  let seed = 12345;
  for (let i = 0; i < order.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    order[i] = seed % series;
  }
  return order;
}

function cases(series: number, kind: 'distribution' | 'counter'): CaseResult[] {
  const bus = new Telemetry();
  const def = kind === 'counter' ? counter('http.request.stop.count', { tags: ['route', 'status'] }) : distribution('http.request.stop.duration', { tags: ['route', 'status'], unit: NS_TO_S });
  const agg = new Aggregator(bus, { defaultBuckets, maxSeriesPerMetric: Math.max(series, 10_000), metrics: [def] });
  const registry = new client.Registry();
  const metas = Array.from({ length: series }, (_, i) => ({ route: `/r${i >> 2}`, status: String(200 + (i & 3)) }));
  const labels = metas.map((m) => ({ route: m.route, status: m.status }));
  const event = bus.event(['http', 'request', 'stop']);
  const order = randomOrder(series);
  progress.step(`filling ${label(series)} ${kind} series`);
  let result: CaseResult[];
  if (kind === 'counter') {
    const c = new client.Counter({ name: 'http_requests_total', help: 'h', labelNames: ['route', 'status'], registers: [registry] });
    for (let i = 0; i < series; i++) {
      event.emit(DURATIONS[i & 63], metas[i]);
      c.inc(labels[i]);
    }
    result = measure([
      { name: promCounterName(series), loop: (n) => { for (let i = 0; i < n; i++) c.inc(labels[order[i & 0xffff]]); } },
      { name: counterName(series), peer: promCounterName(series), loop: (n) => { for (let i = 0; i < n; i++) event.emit(DURATIONS[i & 63], metas[order[i & 0xffff]]); } },
    ]);
  } else {
    const h = new client.Histogram({ name: 'http_request_duration_seconds', help: 'h', labelNames: ['route', 'status'], registers: [registry] });
    for (let i = 0; i < series; i++) {
      event.emit(DURATIONS[i & 63], metas[i]);
      h.observe(labels[i], SECONDS[i & 63]);
    }
    result = measure([
      { name: promName(series), loop: (n) => { for (let i = 0; i < n; i++) h.observe(labels[order[i & 0xffff]], SECONDS[i & 63]); } },
      { name: distName(series), peer: promName(series), loop: (n) => { for (let i = 0; i < n; i++) event.emit(DURATIONS[i & 63], metas[order[i & 0xffff]]); } },
    ]);
  }
  const live = agg.snapshot().metrics[0].series.length;
  if (live !== series) throw new Error(`expected ${series} live series, the aggregator holds ${live}`);
  void agg.stop();
  return result;
}

function seriesMemory(impl: 'rx' | 'prom-client', series: number, lo: number, hi: number): Promise<SeriesMemory> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./series-memory.js', import.meta.url)), [impl, String(series), String(lo), String(hi), '24'], {
      execArgv: ['--expose-gc', '--disable-warning=ExperimentalWarning'],
    });
    let got: SeriesMemory | undefined;
    child.once('message', (m) => (got = m as SeriesMemory));
    child.once('error', reject);
    child.once('exit', (code) => (got !== undefined ? resolve(got) : reject(new Error(`series-memory ${impl} ${series} exited with ${code}`))));
  });
}

export interface Cardinality {
  readonly cases: CaseResult[];
  readonly curves: Curve[];
  readonly metrics: Record<string, Metric>;
}

export async function cardinality(): Promise<Cardinality> {
  const all: CaseResult[] = [];
  const points: [number, number, number][] = [];
  for (const n of pick([10, 1000, 10_000, 100_000], [10, 1000, 10_000])) {
    const c = cases(n, 'distribution');
    all.push(...c);
    points.push([n, c[1].nsPerOp, c[0].nsPerOp]);
  }
  all.push(...cases(10_000, 'counter'));
  const metrics: Record<string, Metric> = {};
  const ranges = [['1–50 ms', 1e6, 50e6], ['100 µs–10 s', 1e5, 1e10]] as const;
  for (const [name, lo, hi] of ranges) {
    progress.step(`bytes per series, ${name}`);
    const m = await seriesMemory('rx', 1000, lo, hi);
    metrics[`bytes per series, rx, ${name}, 1,000 series`] = { value: m.bytesPerSeries, unit: 'B', note: `heap + buffers, every window slice filled; RSS ${Math.round(m.rssPerSeries)} B` };
  }
  const prom = await seriesMemory('prom-client', 1000, 1e6, 50e6);
  metrics['bytes per series, prom-client, 1,000 series'] = { value: prom.bytesPerSeries, unit: 'B', note: 'its default buckets only: no percentiles, no window' };
  const curves: Curve[] = [
    {
      id: 'hdr-distribution-vs-series',
      title: 'distribution record against live series (uniformly random), beside prom-client',
      x: 'live series',
      y: 'ns per record',
      series: [
        { name: 'rx distribution (handle.emit)', points: points.map(([s, ours]) => [s, ours] as const) },
        { name: 'prom-client Histogram.observe', points: points.map(([s, , p]) => [s, p] as const) },
      ],
    },
  ];
  return { cases: all, curves, metrics };
}
