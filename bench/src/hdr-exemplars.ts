// What an exemplar costs a record (issue 12): the same 2-tag distribution record with
// `exemplars: true` and without, paired batch for batch in one process — inside one active span
// (its ids already made: the per-record cost), with no span active, and one span per record
// (each span's ids made by the record: what core's currentTraceContext() costs today).
import { distribution, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { defaultBuckets } from '@rx-telemetry/prometheus';
import { measure, type BenchCase, type CaseResult } from './harness.js';

const EVENT = ['compute', 'kernel', 'dispatch', 'stop'];
const KERNELS = ['matmul', 'conv2d', 'softmax', 'reduce'];
const METAS = Array.from({ length: 8 }, (_, i) => ({ kernel: KERNELS[i & 3], device: i < 4 ? 'gpu0' : 'gpu1' }));
const MEASURES = Array.from({ length: 64 }, (_, i) => ({ duration: 20_000 + ((i * 7919) % 64) * 150_000 }));

/**
 * Runs every case untimed, round-robin, ~`ms` each, before measure() sizes its batches. measure()
 * takes the batch size from the first loop that lasts a quarter batch; in a fresh process (and
 * for record paths just made) that loop runs cold code, 2-3 µs a record, so the hdr suite's first
 * cases got batches of 3,000-15,000 records (0.2-0.8 ms) where ~700,000 fill the 40 ms batch:
 * 15 samples of under a millisecond each, each at the mercy of one preemption or compile.
 */
export function warmed(cases: readonly BenchCase[], ms = 60): readonly BenchCase[] {
  for (let round = 0; round < 3; round++) {
    for (const c of cases) {
      const end = performance.now() + ms / 3;
      do c.loop(1_000);
      while (performance.now() < end);
    }
  }
  return cases;
}

export const exemplarCase = (on: boolean, where: string): string => `distribution, 2 tags, ${where}, exemplars ${on ? 'on' : 'off'}`;
export const IN_SPAN = 'in a span';
export const NO_SPAN = 'no span';
export const SPAN_EACH = 'a span per record';

function aggregated(exemplars: boolean): { emit: (i: number) => void; stop: () => Promise<void> } {
  const bus = new Telemetry();
  const agg = new Aggregator(bus, {
    defaultBuckets,
    exemplars,
    metrics: [distribution('compute.kernel.dispatch.stop.duration', { tags: ['kernel', 'device'], unit: { from: 'nanosecond', to: 'second' } })],
  });
  const event = bus.event(EVENT);
  return { emit: (i) => event.emit(MEASURES[i & 63], METAS[i & 7]), stop: () => agg.stop() };
}

export async function exemplarCases(): Promise<CaseResult[]> {
  // The span: observed (a start handler), so it is live and carries trace context.
  const spans = new Telemetry();
  spans.attach('observer', ['bench', 'op', 'start'], () => undefined);
  const span = spans.spanEvent(['bench', 'op']);
  const off = aggregated(false);
  const on = aggregated(true);
  const inSpan = (name: string, emit: (i: number) => void, peer?: string): BenchCase => ({
    name,
    ...(peer ? { peer } : {}),
    loop: (n) =>
      span.run({}, () => {
        for (let i = 0; i < n; i++) emit(i);
      }),
  });
  const plain = (name: string, emit: (i: number) => void, peer?: string): BenchCase => ({
    name,
    ...(peer ? { peer } : {}),
    loop: (n) => {
      for (let i = 0; i < n; i++) emit(i);
    },
  });
  const each = (name: string, emit: (i: number) => void, peer?: string): BenchCase => ({
    name,
    ...(peer ? { peer } : {}),
    loop: (n) => {
      for (let i = 0; i < n; i++) span.run({}, () => emit(i));
    },
  });
  const results = [
    ...measure(warmed([inSpan(exemplarCase(false, IN_SPAN), off.emit), inSpan(exemplarCase(true, IN_SPAN), on.emit, exemplarCase(false, IN_SPAN))])),
    ...measure(warmed([plain(exemplarCase(false, NO_SPAN), off.emit), plain(exemplarCase(true, NO_SPAN), on.emit, exemplarCase(false, NO_SPAN))])),
    ...measure(warmed([each(exemplarCase(false, SPAN_EACH), off.emit), each(exemplarCase(true, SPAN_EACH), on.emit, exemplarCase(false, SPAN_EACH))])),
  ];
  await off.stop();
  await on.stop();
  return results;
}
