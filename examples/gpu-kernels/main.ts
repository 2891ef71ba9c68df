// GPU kernels as a user of CUDA/ROCm profilers knows them: kernel executions and memory transfers
// with their throughput, a profile of one job for Perfetto, alert rules, and two log sinks —
// every number from events the instrumented WebGPU device emits by itself.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { counter, distribution, sum, telemetry, withCorrelation } from '@rx-telemetry/core';
import { Alerts, type Alert } from '@rx-telemetry/alerts';
import { Aggregator } from '@rx-telemetry/hdr';
import { attachLogger } from '@rx-telemetry/logger';
import { profile } from '@rx-telemetry/profile';
import { requestInstrumentedDevice } from '@rx-telemetry/webgpu';
import { ComputeBackend, hdcCosine, matmul, reduceSum, vectorAdd } from '@rx-telemetry/webgpu-kernels';

const { values: args } = parseArgs({ options: { jobs: { type: 'string', default: '12' }, rate: { type: 'string', default: '20' }, out: { type: 'string' } } });
const out = args.out ?? mkdtempSync(join(tmpdir(), 'gpu-kernels-'));
mkdirSync(out, { recursive: true });
const ms = { from: 'nanosecond', to: 'millisecond' } as const;

// 1. Metrics from the device's events: executions, GPU time, throughput, transfers, failures.
const aggregator = new Aggregator(telemetry, {
  metrics: [
    distribution('compute.kernel.dispatch.stop.duration', { tags: ['kernel'], unit: ms }),
    distribution('compute.kernel.dispatch.stop.gpuDuration', { tags: ['kernel'], unit: ms }),
    distribution('compute.kernel.dispatch.stop.opsPerSecond', { tags: ['kernel'] }),
    sum('compute.memory.transfer.stop.bytes', { tags: ['direction'], unit: 'byte' }),
    sum('compute.memory.transfer.stop.duration', { tags: ['direction'], unit: { from: 'nanosecond', to: 'second' } }),
    counter('compute.kernel.compile.exception.count', { tags: ['kernel'] }),
  ],
});

// 2. Log sinks: every kernel and transfer event to one file; failures and alerts to another.
const computeLog = join(out, 'compute.jsonl');
const errorLog = join(out, 'errors.jsonl');
attachLogger(telemetry, { destination: computeLog, events: [['compute', 'kernel'], ['compute', 'memory', 'transfer']] });
attachLogger(telemetry, { destination: errorLog, events: [['compute', 'kernel', '*', 'exception'], ['compute', 'device', 'error'], ['telemetry', 'alert']] });

// 3. Alert rules over the aggregator.
const notify = (alert: Alert): void => console.log(`alert ${alert.name} ${alert.status} ${JSON.stringify(alert.labels)}`);
new Alerts(telemetry, {
  aggregator, intervalMs: 100, handlers: [notify],
  rules: [
    { name: 'KernelCompileFailed', severity: 'critical', metric: 'compute.kernel.compile.exception.count', stat: 'value', op: '>', threshold: 0 },
    { name: 'SlowKernel', severity: 'warning', metric: 'compute.kernel.dispatch.stop.duration', stat: 'p99', op: '>', threshold: 250 },
  ],
});

// 4. The device (after the aggregator it feeds: it stops first), and a profile of job 1.
const gpu = await requestInstrumentedDevice(telemetry, { deviceId: 'gpu0' });
const backend = new ComputeBackend(gpu);
const profileFile = join(out, 'job-1.trace.json');
const recording = profile(telemetry, { correlationId: 'job-1', file: profileFile, counters: [{ name: 'device memory', read: () => gpu.memory().liveBytes, device: 'gpu0' }] });
console.log(`device: ${gpu.info.description}${gpu.info.fallback ? ' (CPU fallback adapter)' : ''}`);

// 5. The workload: jobs of four kernels at a steady rate, each job a correlated span; one broken shader.
const x = Float32Array.from({ length: 1 << 16 }, (_, i) => i % 13);
const a = Float32Array.from({ length: 128 * 128 }, (_, i) => (i % 7) - 3);
const dim = 1024;
const memory = Float32Array.from({ length: 16 * dim }, (_, i) => (Math.sin(i * 12.9898) > 0 ? 1 : -1));
// A broken shader, in an error scope as WebGPU code handles validation errors: its compile
// exception and the device error are events (logged to errors.jsonl, counted, alerted).
gpu.device.pushErrorScope('validation');
await backend.kernel('broken', 'this is not WGSL').catch(() => undefined);
await gpu.device.popErrorScope();
const jobs = Number(args.jobs);
const started = performance.now();
for (let job = 1; job <= jobs; job++) {
  // At most --rate jobs per second, as a service receiving them would run.
  await new Promise((resolve) => setTimeout(resolve, started + ((job - 1) * 1000) / Number(args.rate) - performance.now()));
  await withCorrelation(`job-${job}`, () =>
    telemetry.span(['app', 'job'], { job }, async () => {
      await reduceSum(backend, await vectorAdd(backend, x, x));
      await matmul(backend, a, a, { m: 128, k: 128, n: 128 });
      await hdcCosine(backend, memory.subarray(0, dim), memory, dim);
    }),
  );
}
const seconds = (performance.now() - started) / 1000;
const trace = await recording.stop();

// 6. One shutdown (device, profile, alerts, loggers, aggregator, in that order), then the report.
await telemetry.shutdown();
const snapshot = aggregator.snapshot();
const series = (name: string) => snapshot.metrics.find((m) => m.name === name)?.series ?? [];
const stat = (name: string, kernel: string) => series(name).find((s) => s.tags.kernel === kernel)?.total;
console.log(`${jobs} jobs in ${seconds.toFixed(2)} s`);
console.log('kernel        runs  runs/s   p50 ms   p99 ms  GPU p50 ms  Gop/s p50');
for (const s of series('compute.kernel.dispatch.stop.duration')) {
  const k = s.tags.kernel;
  const t = s.total!;
  const gpuP50 = stat('compute.kernel.dispatch.stop.gpuDuration', k)?.p50;
  const ops = stat('compute.kernel.dispatch.stop.opsPerSecond', k)?.p50;
  console.log(`${k.padEnd(12)} ${String(t.count).padStart(5)} ${(t.count / seconds).toFixed(1).padStart(7)} ${t.p50.toFixed(3).padStart(8)} ${t.p99.toFixed(3).padStart(8)} ${(gpuP50 === undefined ? '-' : gpuP50.toFixed(3)).padStart(11)} ${(ops === undefined ? '-' : (ops / 1e9).toFixed(3)).padStart(10)}`);
}
for (const s of series('compute.memory.transfer.stop.bytes')) {
  const busy = series('compute.memory.transfer.stop.duration').find((d) => d.tags.direction === s.tags.direction)?.value ?? 0;
  console.log(`transfer ${s.tags.direction}: ${s.value} bytes, ${(s.value! / busy / 1e9).toFixed(2)} GB/s while transferring`);
}
console.log(`device memory peak: ${gpu.memory().peakBytes} bytes`);
console.log(`profile of job-1: ${profileFile} (${trace.traceEvents.length} trace events; open it in https://ui.perfetto.dev)`);
const lines = (file: string): number => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
console.log(`logs: ${computeLog} (${lines(computeLog)} lines), ${errorLog} (${lines(errorLog)} lines)`);
