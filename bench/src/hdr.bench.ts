import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { defaultBuckets } from '@rx-telemetry/prometheus';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import hdr from 'hdr-histogram-js';
import client from 'prom-client';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cardinality, counterName, distName, promName } from './hdr-cardinality.js';
import { renderCases, renderLinearity } from './hdr-render.js';
import { exemplarCase, exemplarCases, IN_SPAN, NO_SPAN, SPAN_EACH, warmed } from './hdr-exemplars.js';
import type { ChurnResult } from './hdr-memory.js';
import { atMost, consume, find as findCase, fmt, measure, median, pairedRatio, pick, ratio, report, type BudgetCheck, type CaseResult, type Curve, type Metric, type SuiteResult } from './harness.js';

class PullReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

const EVENT = ['compute', 'kernel', 'dispatch', 'stop'];
const KERNELS = ['matmul', 'conv2d', 'softmax', 'reduce'];
const DEVICES = ['gpu0', 'gpu1'];
// Pre-built inputs: the cases measure recording, not building objects.
const METAS = Array.from({ length: 8 }, (_, i) => ({ kernel: KERNELS[i & 3], device: DEVICES[i >> 2] }));
const LABELS = METAS.map((m) => ({ kernel: m.kernel, device: m.device }));
const MEASURES = Array.from({ length: 64 }, (_, i) => ({ duration: 20_000 + ((i * 7919) % 64) * 150_000 }));
const SECONDS = MEASURES.map((m) => m.duration / 1e9);

function recordCases(): CaseResult[] {
  const telemetry = new Telemetry();
  const agg = new Aggregator(telemetry, {
    defaultBuckets,
    metrics: [distribution('compute.kernel.dispatch.stop.duration', { tags: ['kernel', 'device'], unit: { from: 'nanosecond', to: 'second' } })],
  });
  const countBus = new Telemetry();
  const countAgg = new Aggregator(countBus, { metrics: [counter('compute.kernel.dispatch.stop.count', { tags: ['kernel', 'device'] })] });

  const registry = new client.Registry();
  const promHist = new client.Histogram({ name: 'kernel_seconds', help: 'h', labelNames: ['kernel', 'device'], registers: [registry] });
  const promCounter = new client.Counter({ name: 'kernel_total', help: 'h', labelNames: ['kernel', 'device'], registers: [registry] });

  const provider = new MeterProvider({ readers: [new PullReader()] });
  const otelHist = provider.getMeter('bench').createHistogram('kernel.duration', { unit: 's' });

  const jsHdr = hdr.build({ numberOfSignificantValueDigits: 2, bitBucketSize: 32 });
  hdr.initWebAssemblySync();
  const wasmHdr = hdr.build({ numberOfSignificantValueDigits: 2, bitBucketSize: 32, useWebAssembly: true });

  // The core's EventHandle is its emit without a name lookup; emit(name) adds the per-segment
  // trie walk (~30 ns for 4 segments here), measured alongside.
  const distEvent = telemetry.event(EVENT);
  const countEvent = countBus.event(EVENT);
  const results = measure(warmed([
    {
      name: 'rx handle.emit -> distribution, 2 tags',
      loop: (n) => {
        for (let i = 0; i < n; i++) distEvent.emit(MEASURES[i & 63], METAS[i & 7]);
      },
    },
    {
      name: 'rx emit(name) -> distribution, 2 tags',
      loop: (n) => {
        for (let i = 0; i < n; i++) telemetry.emit(EVENT, MEASURES[i & 63], METAS[i & 7]);
      },
    },
    {
      name: 'prom-client Histogram.observe, 2 labels',
      loop: (n) => {
        for (let i = 0; i < n; i++) promHist.observe(LABELS[i & 7], SECONDS[i & 63]);
      },
    },
    {
      name: 'otel sdk-metrics Histogram.record, 2 attrs',
      loop: (n) => {
        for (let i = 0; i < n; i++) otelHist.record(SECONDS[i & 63], LABELS[i & 7]);
      },
    },
    {
      name: 'rx handle.emit -> counter, 2 tags',
      loop: (n) => {
        for (let i = 0; i < n; i++) countEvent.emit(MEASURES[i & 63], METAS[i & 7]);
      },
    },
    {
      name: 'rx emit(name) -> counter, 2 tags',
      loop: (n) => {
        for (let i = 0; i < n; i++) countBus.emit(EVENT, MEASURES[i & 63], METAS[i & 7]);
      },
    },
    {
      name: 'prom-client Counter.inc, 2 labels',
      loop: (n) => {
        for (let i = 0; i < n; i++) promCounter.inc(LABELS[i & 7]);
      },
    },
    {
      name: 'hdr-histogram-js recordValue (JS)',
      loop: (n) => {
        for (let i = 0; i < n; i++) jsHdr.recordValue(MEASURES[i & 63].duration);
      },
    },
    {
      name: 'hdr-histogram-js recordValue (wasm)',
      loop: (n) => {
        for (let i = 0; i < n; i++) wasmHdr.recordValue(MEASURES[i & 63].duration);
      },
    },
  ]));
  consume([agg.snapshot(), countAgg.snapshot()]);
  void agg.stop();
  void countAgg.stop();
  wasmHdr.destroy();
  void provider.shutdown();
  return results;
}

interface MemoryResult {
  readonly series: number;
  readonly rssBytes: number;
  readonly countBytes: number;
  readonly heapBytes: number;
}

function memory(): Promise<MemoryResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./hdr-memory.js', import.meta.url)), ['1000'], { execArgv: ['--expose-gc', '--disable-warning=ExperimentalWarning'] });
    child.once('message', (m) => resolve(m as MemoryResult));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`hdr-memory exited with ${code}`)));
  });
}

// A steady churn of label values with idleSeriesMs, in a fresh process: RSS along the run.
function churn(distinct: number, perSecond: number): Promise<ChurnResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./hdr-memory.js', import.meta.url)), ['churn', String(distinct), String(perSecond)], { execArgv: ['--expose-gc', '--disable-warning=ExperimentalWarning'] });
    let got: ChurnResult | undefined;
    child.once('message', (m) => (got = m as ChurnResult));
    child.once('error', reject);
    child.once('exit', (code) => (got !== undefined ? resolve(got) : reject(new Error(`hdr-memory churn exited with ${code}`))));
  });
}

interface ChurnPart {
  readonly metrics: Record<string, Metric>;
  readonly curves: Curve[];
  readonly budgets: BudgetCheck[];
}

async function churnPart(): Promise<ChurnPart> {
  const distinct = pick(1_000_000, 200_000);
  const r = await churn(distinct, 1_000);
  const pts = r.points;
  // Warm-up: until the first removals have run for a while (a quarter of the run).
  const warm = pts.find((p) => p.distinct >= distinct / 4) as (typeof pts)[number];
  const last = pts[pts.length - 1];
  const growth = (last.rssBytes - warm.rssBytes) / 1e6;
  const metrics: Record<string, Metric> = {
    'churn: RSS after warm-up (a quarter of the run)': { value: warm.rssBytes / 1e6, unit: 'MB', note: `${warm.live} live series, ${warm.distinct.toLocaleString('en-US')} distinct values so far` },
    'churn: RSS growth from warm-up to the end': { value: growth, unit: 'MB', note: `${last.distinct.toLocaleString('en-US')} distinct values, ${last.removed.toLocaleString('en-US')} series removed, ${last.live} live` },
    'churn: heap + buffers at the end': { value: last.heapBytes / 1e6, unit: 'MB' },
  };
  const curves: Curve[] = [
    {
      id: 'hdr-churn-rss',
      title: `memory under label churn (${r.perSecond.toLocaleString('en-US')} new values a second, idleSeriesMs ${r.idleSeriesMs / 1000} s, counter + distribution)`,
      x: 'distinct label values so far',
      y: 'bytes',
      unit: 'B',
      series: [
        { name: 'RSS', points: pts.map((p) => [p.distinct, p.rssBytes] as const) },
        { name: 'heap + buffers', points: pts.map((p) => [p.distinct, p.heapBytes] as const) },
      ],
    },
  ];
  console.log(`churn: ${pts.map((p) => `${Math.round(p.distinct / 1000)}k:${Math.round(p.rssBytes / 1e6)}MB`).join(' ')}`);
  const budgets: BudgetCheck[] = [atMost('RSS growth under label churn after warm-up (flat: within 5% of the warm RSS)', growth, (warm.rssBytes / 1e6) * 0.05, 'MB')];
  return { metrics, curves, budgets };
}

export async function run(): Promise<SuiteResult[]> {
  const mem = await memory();
  const record = recordCases();
  const find = (rs: readonly CaseResult[], name: string): number => (rs.find((r) => r.name === name) as CaseResult).nsPerOp;
  const dist = find(record, 'rx handle.emit -> distribution, 2 tags');
  const cnt = find(record, 'rx handle.emit -> counter, 2 tags');
  const recordBudgets: BudgetCheck[] = [
    atMost('distribution with 2 tags', dist, 60),
    ratio('distribution vs prom-client Histogram.observe (faster by)', find(record, 'prom-client Histogram.observe, 2 labels'), dist, 5, true),
    ratio('distribution vs otel Histogram.record (faster by)', find(record, 'otel sdk-metrics Histogram.record, 2 attrs'), dist, 5, true),
    atMost('counter with 2 tags', cnt, 30),
    atMost('RSS growth, 1,000 windowed distribution series', mem.rssBytes / 1e6, 50, 'MB'),
  ];
  console.log(`memory: ${mem.series} series, RSS +${(mem.rssBytes / 1e6).toFixed(1)} MB, heap+buffers +${(mem.heapBytes / 1e6).toFixed(1)} MB, count arrays ${(mem.countBytes / 1e6).toFixed(1)} MB (${Math.round(mem.countBytes / mem.series)} B/series, ${Math.round(mem.rssBytes / mem.series)} B/series RSS)`);
  const r1 = report('hdr-record', record, ['prom-client Histogram.observe, 2 labels'], recordBudgets);

  const small = await renderCases(100);
  const mid = await renderCases(1000);
  const big = await renderCases(10_000, 7);
  const linear = await renderLinearity(pick(15, 7));
  console.log(`render per series, 10,000 / 1,000 series, paired (ours vs ours): ${linear.ratio.toFixed(2)}x (pairs ${[...linear.ratios].sort((a, b) => a - b).map((r) => r.toFixed(2)).join(' ')})`);
  const all = [...small, ...mid, ...big];
  const ours1k = find(mid, 'rx render(), 1000 histogram series');
  const prom1k = find(mid, 'prom-client register.metrics(), 1000 series');
  const perSeries = (ns: number, n: number): string => fmt(ns / n);
  console.log(`render per series: 100 -> ${perSeries(small[0].nsPerOp, 100)}, 1,000 -> ${perSeries(ours1k, 1000)}, 10,000 -> ${perSeries(big[0].nsPerOp, 10_000)}`);
  const renderBudgets: BudgetCheck[] = [
    ratio('render 1,000 histogram series vs prom-client register.metrics() (faster by)', prom1k, ours1k, 4, true),
    ratio('render time per series, 10,000 vs 1,000 series (linear growth)', linear.ratio, 1, 1.5),
  ];
  const r2 = report('hdr-render', all, ['prom-client register.metrics(), 1000 series'], renderBudgets);

  const card = await cardinality();
  const at10k = findCase(card.cases, distName(10_000));
  const bytes = card.metrics['bytes per series, rx, 1–50 ms, 1,000 series'].value;
  const cardBudgets: BudgetCheck[] = [
    atMost('distribution, 10,000 live series hit at random', at10k.nsPerOp, 250),
    ratio('distribution, 10,000 live series, vs prom-client observe (faster by, paired)', pairedRatio(findCase(card.cases, promName(10_000)), at10k), 1, 4, true),
    atMost('counter, 10,000 live series hit at random (113 ns before issue 11)', findCase(card.cases, counterName(10_000)).nsPerOp, 113),
    atMost('bytes per distribution series at defaults, values over 1–50 ms', bytes, 10_240, 'B'),
  ];
  const churned = await churnPart();
  const peers = card.cases.filter((c) => c.name.startsWith('prom-client')).map((c) => c.name);
  const r3 = report('hdr-cardinality', card.cases, peers, [...cardBudgets, ...churned.budgets], {
    metrics: { ...card.metrics, ...churned.metrics },
    curves: [...card.curves, ...churned.curves],
  });
  const ex = await exemplarCases();
  // Added ns per record: the median of the paired per-batch differences.
  const added = (where: string): number => {
    const a = findCase(ex, exemplarCase(true, where));
    const b = findCase(ex, exemplarCase(false, where));
    return median(a.batches.map((v, i) => v - b.batches[i]));
  };
  const exBudgets: BudgetCheck[] = [
    atMost('an exemplar adds at most 20 ns to a record with a span active (its ids already made; paired)', added(IN_SPAN), 20),
    atMost('exemplars on, no span active: added per record (the context lookup; paired)', added(NO_SPAN), 10),
  ];
  const exMetrics: Record<string, Metric> = {
    'added per record when each record is in a new span whose ids nobody made yet': { value: added(SPAN_EACH), unit: 'ns', note: "core's currentTraceContext() makes the span's ids at the first record" },
  };
  const r4 = report('hdr-exemplar', ex, ex.filter((c) => c.name.endsWith('exemplars off')).map((c) => c.name), exBudgets, { metrics: exMetrics });
  return [r1, r2, r3, r4];
}
