// Child process of soak.ts (a fresh process, so its memory readings are its own): 10 million
// events (BENCH_SOAK_EVENTS to change) through core -> an hdr Aggregator (a distribution and a
// counter over 1,000 series) -> a Prometheus render every second; RSS, heap and external memory
// at the start, the middle and the end, and the events per second sustained with the renders running.
import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { defaultBuckets, PrometheusReporter } from '@rx-telemetry/prometheus';
import { setImmediate as turn } from 'node:timers/promises';
import { median } from './format.js';
import type { Metric } from './harness.js';

const MB = 1024 * 1024;

interface Reading {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

function read(): Reading {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

async function soak(): Promise<Record<string, Metric>> {
  const total = Number(process.env.BENCH_SOAK_EVENTS ?? 10_000_000);
  if (!Number.isInteger(total) || total < 1000) throw new Error(`BENCH_SOAK_EVENTS must be an integer >= 1000, got ${process.env.BENCH_SOAK_EVENTS}`);
  const bus = new Telemetry();
  const aggregator = new Aggregator(bus, {
    defaultBuckets,
    metrics: [
      distribution('http.request.stop.duration', { tags: ['route', 'status'], unit: { from: 'nanosecond', to: 'second' } }),
      counter('http.request.stop.count', { tags: ['route', 'status'] }),
    ],
  });
  const reporter = new PrometheusReporter(bus, { aggregator });
  const metas = Array.from({ length: 1000 }, (_, i) => ({ route: `/api/r${i >> 2}`, status: String(200 + (i & 3)) }));
  const durations = Array.from({ length: 256 }, (_, k) => ({ duration: Math.round(1e5 * Math.pow(1e4, ((k * 97) % 256) / 255)) }));
  const event = bus.event(['http', 'request', 'stop']);

  const renderMs: number[] = [];
  let bytes = 0;
  const timer = setInterval(() => {
    const t0 = performance.now();
    bytes += reporter.render('text').length;
    renderMs.push(performance.now() - t0);
  }, 1000);

  (globalThis as { gc?: () => void }).gc?.();
  const start = read();
  let middle: Reading = start;
  const chunk = 50_000;
  const t0 = performance.now();
  for (let done = 0; done < total; ) {
    const n = Math.min(chunk, total - done);
    for (let i = 0; i < n; i++) {
      const k = done + i;
      event.emit(durations[k & 255], metas[(k * 7919) % 1000]);
    }
    done += n;
    if (done >= total / 2 && middle === start) middle = read();
    if ((done / chunk) % 20 === 0) process.send?.({ progress: `soak: ${(done / 1e6).toFixed(1)}M / ${(total / 1e6).toFixed(1)}M events, ${renderMs.length} renders` });
    // Let the render timer run, as a scrape would between requests.
    await turn();
  }
  const elapsed = performance.now() - t0;
  const end = read();
  clearInterval(timer);
  bytes += reporter.render('text').length;
  if (bytes === 0) throw new Error('nothing was rendered');
  const snapshot = aggregator.snapshot();
  const recorded = snapshot.metrics.find((m) => m.name === 'http.request.stop.count')?.series.reduce((s, x) => s + (x.value ?? 0), 0) ?? 0;
  await bus.shutdown();
  if (recorded !== total) throw new Error(`the counter saw ${recorded} of ${total} events`);

  const mb = (v: number, note?: string): Metric => ({ value: v / MB, unit: 'MiB', ...(note ? { note } : {}) });
  const metrics: Record<string, Metric> = {
    events: { value: total, unit: 'events' },
    'events per second, sustained (renders included)': { value: total / (elapsed / 1000), unit: 'events/s' },
    'renders during the soak': { value: renderMs.length, unit: 'renders', note: `median ${median(renderMs).toFixed(2)} ms each` },
    'RSS at start': mb(start.rss),
    'RSS at the middle': mb(middle.rss),
    'RSS at the end': mb(end.rss),
    'heap used at start': mb(start.heapUsed),
    'heap used at the middle': mb(middle.heapUsed),
    'heap used at the end': mb(end.heapUsed),
    'external at start': mb(start.external),
    'external at the middle': mb(middle.external),
    'external at the end': mb(end.external),
    'RSS growth, middle to end': mb(end.rss - middle.rss, 'a leak shows here; start to middle includes the series filling up'),
  };
  return metrics;
}

soak().then(
  (metrics) => process.send?.({ metrics }, () => process.disconnect()),
  (e: unknown) => process.send?.({ error: (e as Error).stack ?? String(e) }, () => process.disconnect()),
);
