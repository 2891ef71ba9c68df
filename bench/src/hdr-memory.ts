// Child process of hdr.bench: RSS growth of 1,000 windowed distribution series at default
// settings, measured in a fresh process so nothing else in the bench pollutes it.
import { distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { defaultBuckets } from '@rx-telemetry/prometheus';
import { mock } from 'node:test';

const SERIES = Number(process.argv[2] ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function rss(): number {
  gc!();
  gc!();
  return process.memoryUsage().rss;
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
const telemetry = new Telemetry();
let clock = 0;
const before = rss();
const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
const agg = new Aggregator(telemetry, {
  now: () => clock,
  defaultBuckets,
  metrics: [distribution('http.request.stop.duration', { tags: ['route', 'status'], unit: { from: 'nanosecond', to: 'second' } })],
});
const event = ['http', 'request', 'stop'];
const metas = Array.from({ length: SERIES }, (_, i) => ({ route: `/r${i % 250}`, status: String(200 + Math.floor(i / 250)) }));
// Fill every window slice: 6 slices of 10 s, 200 values per series per slice. One reused
// measurement object: 1.2M short-lived objects would grow the young generation and show up in
// RSS as garbage-collector slack, not as series memory.
const m = { duration: 0 };
for (let slice = 0; slice < 6; slice++) {
  for (let k = 0; k < 200; k++) {
    for (let i = 0; i < SERIES; i++) {
      m.duration = lognormal(2e6 + (i % 10) * 2e6);
      telemetry.emit(event, m, metas[i]);
    }
  }
  clock += 10_000;
  mock.timers.tick(10_000);
}
const after = rss();
const heap = process.memoryUsage();
const snap = agg.snapshot();
process.send?.({
  series: snap.metrics[0].series.length,
  rssBytes: after - before,
  countBytes: agg.histogramBytes(),
  heapBytes: heap.heapUsed + heap.arrayBuffers - heapBefore,
});
void agg.stop();
