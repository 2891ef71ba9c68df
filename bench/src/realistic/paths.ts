// The headline paths of issue 11, each with the peer a user would otherwise pick. The same code
// builds them in a clean process (nothing else attached) and in a realistic one (composition.ts).
import { Aggregator } from '@rx-telemetry/hdr';
import { Telemetry } from '@rx-telemetry/core';
import { defaultBuckets, PrometheusReporter } from '@rx-telemetry/prometheus';
import { EventEmitter } from 'node:events';
import client from 'prom-client';
import { tracingChannelSpan, type Box } from '../peers.js';
import { PATH_METRICS, type Realistic } from './composition.js';

/** A loop runs its operation n times; render's peer is awaited. */
export type Loop = (n: number) => void | Promise<void>;

export interface PathCases {
  readonly ours: Loop;
  readonly peer: Loop;
  readonly stop?: () => Promise<void>;
}

export interface HeadlinePath {
  readonly id: string;
  /** The path as the docs and the budget file name it. */
  readonly title: string;
  readonly peer: string;
  build(bus: Telemetry, realistic: Realistic | undefined, box: Box): Promise<PathCases> | PathCases;
}

const KERNELS = ['matmul', 'conv2d', 'softmax', 'reduce'];
const DEVICES = ['gpu0', 'gpu1'];
const METAS = Array.from({ length: 8 }, (_, i) => ({ kernel: KERNELS[i & 3], device: DEVICES[i >> 2] }));
const LABELS = METAS.map((m) => ({ kernel: m.kernel, device: m.device }));
const MEASURES = Array.from({ length: 64 }, (_, i) => ({ duration: 20_000 + ((i * 7919) % 64) * 150_000 }));
const SECONDS = MEASURES.map((m) => m.duration / 1e9);
const CACHE_METAS = Array.from({ length: 8 }, (_, i) => ({ cache: ['users', 'orders', 'sessions', 'tokens'][i & 3], result: i >> 2 ? 'hit' : 'miss' }));
const ONE = { count: 1 };

/** The aggregator (and reporter) a path records into: the realistic one, or a minimal one of its own. */
function aggregatorFor(bus: Telemetry, realistic: Realistic | undefined, metric: keyof typeof PATH_METRICS): { aggregator: Aggregator; reporter: PrometheusReporter } {
  if (realistic !== undefined) return realistic;
  const aggregator = new Aggregator(bus, { metrics: [PATH_METRICS[metric]], defaultBuckets, maxSeriesPerMetric: 10_000 });
  return { aggregator, reporter: new PrometheusReporter(bus, { aggregator }) };
}

export const HEADLINE_PATHS: readonly HeadlinePath[] = [
  {
    id: 'emit',
    title: 'emit to 1 handler (handle)',
    peer: 'EventEmitter.emit, 1 listener',
    build(bus, _realistic, box) {
      const m = { duration: 1 };
      const md = { kernel: 'add' };
      bus.attach('path-emit', ['app', 'cache', 'hit'], (_e, mm) => void (box.acc += mm.duration));
      const handle = bus.event(['app', 'cache', 'hit']);
      const ee = new EventEmitter();
      ee.on('app.cache.hit', (mm: { duration: number }) => void (box.acc += mm.duration));
      return {
        ours: (n) => {
          for (let i = 0; i < n; i++) handle.emit(m, md);
        },
        peer: (n) => {
          for (let i = 0; i < n; i++) ee.emit('app.cache.hit', m);
        },
      };
    },
  },
  {
    id: 'span',
    title: 'span with start+stop handlers (spanEvent)',
    peer: 'TracingChannel traceSync + clock + ALS',
    build(bus, _realistic, box) {
      const md = { kernel: 'add' };
      bus.attachMany('path-span', [['job', 'run', 'start'], ['job', 'run', 'stop']], (_e, m) => void (box.acc += m.monotonicTime));
      const job = bus.spanEvent(['job', 'run']);
      const work = (): number => 1;
      const trace = tracingChannelSpan('bench.job.run', box);
      return {
        ours: (n) => {
          for (let i = 0; i < n; i++) box.acc += job.run(md, work);
        },
        peer: (n) => {
          for (let i = 0; i < n; i++) box.acc += trace(work, md);
        },
      };
    },
  },
  {
    id: 'distribution',
    title: 'event -> distribution, 2 tags',
    peer: 'prom-client Histogram.observe',
    build(bus, realistic) {
      aggregatorFor(bus, realistic, 'distribution');
      const handle = bus.event(['compute', 'kernel', 'dispatch', 'stop']);
      const registry = new client.Registry();
      const h = new client.Histogram({ name: 'kernel_seconds', help: 'h', labelNames: ['kernel', 'device'], registers: [registry] });
      return {
        ours: (n) => {
          for (let i = 0; i < n; i++) handle.emit(MEASURES[i & 63], METAS[i & 7]);
        },
        peer: (n) => {
          for (let i = 0; i < n; i++) h.observe(LABELS[i & 7], SECONDS[i & 63]);
        },
      };
    },
  },
  {
    id: 'counter',
    title: 'event -> counter, 2 tags',
    peer: 'prom-client Counter.inc',
    build(bus, realistic) {
      aggregatorFor(bus, realistic, 'counter');
      const handle = bus.event(['cache', 'lookup', 'stop']);
      const registry = new client.Registry();
      const c = new client.Counter({ name: 'cache_lookups_total', help: 'c', labelNames: ['cache', 'result'], registers: [registry] });
      const labels = CACHE_METAS.map((m) => ({ cache: m.cache, result: m.result }));
      return {
        ours: (n) => {
          for (let i = 0; i < n; i++) handle.emit(ONE, CACHE_METAS[i & 7]);
        },
        peer: (n) => {
          for (let i = 0; i < n; i++) c.inc(labels[i & 7]);
        },
      };
    },
  },
  {
    id: 'render',
    title: 'render 1,000 histogram series',
    peer: 'prom-client register.metrics()',
    build(bus, realistic) {
      const { reporter } = aggregatorFor(bus, realistic, 'render');
      const registry = new client.Registry();
      const h = new client.Histogram({ name: 'app_job_stop_duration_seconds', help: 'h', labelNames: ['job', 'shard'], registers: [registry] });
      for (let i = 0; i < 1000; i++) {
        const md = { job: `j${i >> 1}`, shard: `s${i & 1}` };
        for (let k = 0; k < 20; k++) {
          const m = MEASURES[(i + k) & 63];
          bus.emit(['app', 'job', 'stop'], m, md);
          h.observe(md, m.duration / 1e9);
        }
      }
      let size = 0;
      return {
        ours: (n) => {
          for (let i = 0; i < n; i++) size += reporter.render('text').length;
        },
        peer: async (n) => {
          for (let i = 0; i < n; i++) size += (await registry.metrics()).length;
        },
      };
    },
  },
];

export function headlinePath(id: string): HeadlinePath {
  const p = HEADLINE_PATHS.find((x) => x.id === id);
  if (p === undefined) throw new Error(`no headline path ${id}`);
  return p;
}
