// Scaling curves (issue 11): emit cost against handlers per event beside EventEmitter with as many
// listeners; distribution cost and bytes per series against live series beside prom-client at the
// same cardinality; render time against series beside prom-client. --quick leaves the biggest
// points out. (Emit cost against distinct names is in names.bench.ts.)
import { distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { defaultBuckets, PrometheusReporter } from '@rx-telemetry/prometheus';
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import client from 'prom-client';
import { consume, find, measure, measureAsync, pick, report, type CaseResult, type Curve, type Metric, type SuiteResult } from './harness.js';
import type { Box } from './peers.js';
import { progress } from './progress.js';
import type { SeriesMemory } from './series-memory.js';

const NS_TO_S = { from: 'nanosecond', to: 'second' } as const;
/** 64 durations spread log-uniformly over 1–50 ms (ns), the range of the memory budget. */
const DURATIONS = Array.from({ length: 64 }, (_, k) => ({ duration: Math.round(1e6 * Math.pow(50, ((k * 37) % 64) / 63)) }));
const SECONDS = DURATIONS.map((d) => d.duration / 1e9);

function handlerCases(box: Box): { cases: CaseResult[]; curve: Curve; metrics: Record<string, Metric> } {
  const counts = [1, 10, 100];
  const m = { duration: 1 };
  const md = { kernel: 'add' };
  const loops = counts.flatMap((k) => {
    const bus = new Telemetry();
    const ee = new EventEmitter();
    ee.setMaxListeners(0);
    for (let j = 0; j < k; j++) {
      // k distinct closures, as k independent subscribers would attach.
      const add = (d: number): void => void (box.acc += d + j);
      bus.attach(`h${j}`, ['app', 'request', 'stop'], (_e, mm) => add(mm.duration));
      ee.on('app.request.stop', (mm: { duration: number }) => add(mm.duration));
    }
    const handle = bus.event(['app', 'request', 'stop']);
    const eeName = `EventEmitter.emit, ${k} listener${k > 1 ? 's' : ''}`;
    return [
      { name: eeName, loop: (n: number) => { for (let i = 0; i < n; i++) ee.emit('app.request.stop', m); } },
      { name: `handle.emit, ${k} handler${k > 1 ? 's' : ''}`, peer: eeName, loop: (n: number) => { for (let i = 0; i < n; i++) handle.emit(m, md); } },
    ];
  });
  const cases = measure(loops);
  const at = (prefix: string, k: number): number => find(cases, `${prefix}, ${k} ${prefix.startsWith('Event') ? 'listener' : 'handler'}${k > 1 ? 's' : ''}`).nsPerOp;
  const perHandler = (prefix: string): number => (at(prefix, 100) - at(prefix, 10)) / 90;
  return {
    cases,
    curve: {
      id: 'emit-vs-handlers',
      title: 'emit cost against handlers per event',
      x: 'handlers (listeners) per event',
      y: 'ns per emit',
      series: [
        { name: 'rx handle.emit', points: counts.map((k) => [k, at('handle.emit', k)] as const) },
        { name: 'EventEmitter.emit', points: counts.map((k) => [k, at('EventEmitter.emit', k)] as const) },
      ],
    },
    metrics: {
      'per-handler cost beyond 10 handlers, rx': { value: perHandler('handle.emit'), unit: 'ns', note: '(100 handlers - 10 handlers) / 90' },
      'per-listener cost beyond 10 listeners, EventEmitter': { value: perHandler('EventEmitter.emit'), unit: 'ns', note: 'the same for EventEmitter' },
    },
  };
}

function seriesMetas(series: number): { route: string; status: string }[] {
  return Array.from({ length: series }, (_, i) => ({ route: `/r${i >> 2}`, status: String(200 + (i & 3)) }));
}

/** A record into one of `series` live series chosen uniformly at random, rx and prom-client. */
function cardinalityCases(series: number): CaseResult[] {
  const bus = new Telemetry();
  const agg = new Aggregator(bus, {
    defaultBuckets,
    maxSeriesPerMetric: Math.max(series, 10_000),
    metrics: [distribution('http.request.stop.duration', { tags: ['route', 'status'], unit: NS_TO_S })],
  });
  const registry = new client.Registry();
  const h = new client.Histogram({ name: 'http_request_duration_seconds', help: 'h', labelNames: ['route', 'status'], registers: [registry] });
  const metas = seriesMetas(series);
  const labels = metas.map((m) => ({ route: m.route, status: m.status }));
  const event = bus.event(['http', 'request', 'stop']);
  progress.step(`filling ${series} series`);
  for (let i = 0; i < series; i++) {
    event.emit(DURATIONS[i & 63], metas[i]);
    h.observe(labels[i], SECONDS[i & 63]);
  }
  // A fixed pseudo-random sequence of series, the same for both sides.
  const order = new Uint32Array(1 << 16);
  let seed = 12345;
  for (let i = 0; i < order.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    order[i] = seed % series;
  }
  const promName = `prom-client observe, ${series.toLocaleString('en-US')} live series`;
  const cases = measure([
    { name: promName, loop: (n) => { for (let i = 0; i < n; i++) h.observe(labels[order[i & 0xffff]], SECONDS[i & 63]); } },
    { name: `rx distribution, ${series.toLocaleString('en-US')} live series`, peer: promName, loop: (n) => { for (let i = 0; i < n; i++) event.emit(DURATIONS[i & 63], metas[order[i & 0xffff]]); } },
  ]);
  const snapshot = agg.snapshot();
  const live = snapshot.metrics[0]?.series.length ?? 0;
  if (live !== series) throw new Error(`expected ${series} live series, the aggregator holds ${live}`);
  void agg.stop();
  return cases;
}

function seriesMemory(impl: 'rx' | 'prom-client', series: number, lo: number, hi: number): Promise<SeriesMemory> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./series-memory.js', import.meta.url)), [impl, String(series), String(lo), String(hi), '24'], {
      execArgv: ['--expose-gc', '--disable-warning=ExperimentalWarning', '--max-old-space-size=16384'],
    });
    let got: SeriesMemory | undefined;
    child.once('message', (m) => (got = m as SeriesMemory));
    child.once('error', reject);
    child.once('exit', (code) => (got !== undefined ? resolve(got) : reject(new Error(`series-memory ${impl} ${series} exited with ${code}`))));
  });
}

async function renderCases(series: number): Promise<CaseResult[]> {
  const bus = new Telemetry();
  const agg = new Aggregator(bus, {
    maxSeriesPerMetric: Math.max(series, 10_000),
    defaultBuckets,
    metrics: [distribution('http.request.stop.duration', { tags: ['route', 'status'], unit: NS_TO_S })],
  });
  const reporter = new PrometheusReporter(bus, { aggregator: agg });
  const registry = new client.Registry();
  const h = new client.Histogram({ name: 'http_request_stop_duration_seconds', help: 'h', labelNames: ['route', 'status'], registers: [registry] });
  const metas = seriesMetas(series);
  const event = bus.event(['http', 'request', 'stop']);
  progress.step(`filling ${series} series for render`);
  for (let i = 0; i < series; i++) {
    for (let k = 0; k < 20; k++) {
      const d = DURATIONS[(i + k) & 63];
      event.emit(d, metas[i]);
      h.observe(metas[i], d.duration / 1e9);
    }
  }
  let size = 0;
  const promName = `prom-client register.metrics(), ${series.toLocaleString('en-US')} series`;
  const cases = await measureAsync(
    [
      { name: promName, loop: async (n) => { for (let i = 0; i < n; i++) size += (await registry.metrics()).length; } },
      { name: `rx render(), ${series.toLocaleString('en-US')} series`, peer: promName, loop: async (n) => { for (let i = 0; i < n; i++) size += reporter.render('text').length; } },
    ],
    series >= 100_000 ? { batches: 3, batchMs: 1, warmup: false } : series >= 10_000 ? { batches: pick(7, 5), batchMs: 100 } : { batchMs: 60 },
  );
  consume(size);
  await bus.shutdown();
  return cases;
}

export async function run(): Promise<SuiteResult> {
  const box: Box = { acc: 0.5 };
  const cases: CaseResult[] = [];
  const curves: Curve[] = [];
  const metrics: Record<string, Metric> = {};

  const handlers = handlerCases(box);
  cases.push(...handlers.cases);
  curves.push(handlers.curve);
  Object.assign(metrics, handlers.metrics);

  // Distribution cost against live series.
  const cardinalities = pick([10, 1000, 10_000, 100_000], [10, 1000, 10_000]);
  const dist: [number, number, number][] = [];
  for (const s of cardinalities) {
    const c = cardinalityCases(s);
    cases.push(...c);
    dist.push([s, c[1].nsPerOp, c[0].nsPerOp]);
  }
  curves.push({
    id: 'distribution-vs-series',
    title: 'distribution record against live series (uniformly random)',
    x: 'live series',
    y: 'ns per record',
    series: [
      { name: 'rx distribution (handle.emit)', points: dist.map(([s, ours]) => [s, ours] as const) },
      { name: 'prom-client Histogram.observe', points: dist.map(([s, , prom]) => [s, prom] as const) },
    ],
  });

  // Bytes per series against live series (fresh child process each).
  const memorySeries = pick([10, 1000, 10_000, 100_000], [10, 1000]);
  const ranges = { '1–50 ms': [1e6, 50e6], '100 µs–10 s': [1e5, 1e10] } as const;
  const mem: { name: string; points: (readonly [number, number])[] }[] = [
    { name: 'rx, values over 1–50 ms', points: [] },
    { name: 'rx, values over 100 µs–10 s', points: [] },
    { name: 'prom-client (default buckets)', points: [] },
  ];
  for (const s of memorySeries) {
    progress.step(`memory per series: ${s} series`);
    const [a, b] = ranges['1–50 ms'];
    const rx1 = await seriesMemory('rx', s, a, b);
    const [c, d] = ranges['100 µs–10 s'];
    const rx2 = await seriesMemory('rx', s, c, d);
    const prom = await seriesMemory('prom-client', s, a, b);
    mem[0].points.push([s, rx1.bytesPerSeries]);
    mem[1].points.push([s, rx2.bytesPerSeries]);
    mem[2].points.push([s, prom.bytesPerSeries]);
    const label = s.toLocaleString('en-US');
    metrics[`bytes per series, rx, 1–50 ms, ${label} series`] = { value: rx1.bytesPerSeries, unit: 'B', note: `heap + buffers; RSS ${Math.round(rx1.rssPerSeries)} B` };
    metrics[`bytes per series, rx, 100 µs–10 s, ${label} series`] = { value: rx2.bytesPerSeries, unit: 'B', note: `heap + buffers; RSS ${Math.round(rx2.rssPerSeries)} B` };
    metrics[`bytes per series, prom-client, ${label} series`] = { value: prom.bytesPerSeries, unit: 'B', note: `heap + buffers; RSS ${Math.round(prom.rssPerSeries)} B` };
  }
  curves.push({ id: 'bytes-per-series', title: 'memory per live distribution series (all 6 window slices filled)', x: 'live series', y: 'bytes per series', unit: 'B', series: mem });

  // Render time against series.
  const renderSizes = pick([100, 1000, 10_000, 100_000], [100, 1000, 10_000]);
  const render: [number, number, number][] = [];
  for (const s of renderSizes) {
    const c = await renderCases(s);
    cases.push(...c);
    render.push([s, c[1].nsPerOp, c[0].nsPerOp]);
  }
  curves.push({
    id: 'render-vs-series',
    title: 'Prometheus text render against histogram series',
    x: 'histogram series',
    y: 'time per render',
    series: [
      { name: 'rx PrometheusReporter.render()', points: render.map(([s, ours]) => [s, ours] as const) },
      { name: 'prom-client register.metrics()', points: render.map(([s, , prom]) => [s, prom] as const) },
    ],
  });
  const per = (s: number): number => (render.find((r) => r[0] === s)?.[1] ?? NaN) / s;
  metrics['render per series, 10,000 / 1,000 series'] = { value: per(10_000) / per(1000), unit: 'x', note: 'linear growth is 1x' };
  if (render.some((r) => r[0] === 100_000)) metrics['render per series, 100,000 / 1,000 series'] = { value: per(100_000) / per(1000), unit: 'x', note: 'linear growth is 1x' };

  consume(box.acc);
  const peers = cases.filter((c) => c.name.startsWith('EventEmitter') || c.name.startsWith('prom-client')).map((c) => c.name);
  return report('scaling', cases, peers, [], { metrics, curves });
}
