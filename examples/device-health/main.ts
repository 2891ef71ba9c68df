// Device health: an auto-instrumented WebGPU device whose dispatches sort themselves into
// performance categories (fast < 1 ms, normal < 10 ms, slow < 100 ms, very slow), a health check
// of our own on those categories beside the process's own checks, and a periodic report.
import { parseArgs } from 'node:util';
import { counter, distribution, telemetry, type CheckResult } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { health, monitorHealth } from '@rx-telemetry/health';
import { requestInstrumentedDevice, type DurationCategory } from '@rx-telemetry/webgpu';
import { ComputeBackend, matmul, vectorAdd } from '@rx-telemetry/webgpu-kernels';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '6' }, 'report-ms': { type: 'string', default: '1000' } } });
const CATEGORIES: readonly DurationCategory[] = ['fast', 'normal', 'slow', 'very_slow'];

// 1. Dispatches by category over a sliding window of 1 s; device losses since start.
const aggregator = new Aggregator(telemetry, {
  window: { durationMs: 1000, slices: 4 },
  metrics: [
    distribution('compute.kernel.dispatch.stop.duration', { tags: ['category'], unit: { from: 'nanosecond', to: 'millisecond' } }),
    counter('compute.device.lost.count'),
  ],
});

// 2. Health: the process's own checks, and one for the device — the share of slow and very slow
// dispatches in the window: 10 % or more is degraded, 50 % or more critical; a lost device is critical.
monitorHealth(telemetry);
function deviceCheck(): CheckResult {
  const snapshot = aggregator.snapshot();
  const metric = (name: string) => snapshot.metrics.find((m) => m.name === name)?.series ?? [];
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, metric('compute.kernel.dispatch.stop.duration').find((s) => s.tags.category === c)?.window?.count ?? 0]));
  const total = CATEGORIES.reduce((s, c) => s + counts[c], 0);
  const slowShare = total === 0 ? 0 : (counts.slow + counts.very_slow) / total;
  const lost = (metric('compute.device.lost.count')[0]?.value ?? 0) > 0;
  const status = lost || slowShare >= 0.5 ? 'critical' : slowShare >= 0.1 ? 'degraded' : 'healthy';
  const detail = `${total} dispatches in the last second: ${CATEGORIES.map((c) => `${c} ${counts[c]}`).join(', ')}; ${Math.round(slowShare * 100)}% slow${lost ? '; device lost' : ''}`;
  return { status, detail, value: slowShare };
}
telemetry.addHealthCheck('device', deviceCheck);

// 3. A periodic report of every check.
const started = performance.now();
async function report(): Promise<void> {
  const h = await health(telemetry);
  const checks = Object.entries(h.checks).map(([name, c]) => `${name}=${c.status}`).join(' ');
  console.log(`t=${((performance.now() - started) / 1000).toFixed(1)}s health=${h.status} ${checks} | ${h.checks.device.detail}`);
}
const timer = setInterval(() => void report(), Number(args['report-ms']));
telemetry.manage('report', () => clearInterval(timer));

// 4. The auto-instrumented device and a workload that gets heavy in the middle third of the run.
const gpu = await requestInstrumentedDevice(telemetry, { deviceId: 'gpu0' });
const backend = new ComputeBackend(gpu);
console.log(`device: ${gpu.info.description}${gpu.info.fallback ? ' (CPU fallback adapter)' : ''}`);
const seconds = Number(args.seconds);
const small = Float32Array.from({ length: 4096 }, (_, i) => i);
const big = Float32Array.from({ length: 256 * 256 }, (_, i) => i % 5);
while (performance.now() - started < seconds * 1000) {
  const phase = (performance.now() - started) / (seconds * 1000);
  if (phase > 1 / 3 && phase < 2 / 3) await matmul(backend, big, big, { m: 256, k: 256, n: 256 });
  else await vectorAdd(backend, small, small);
  await new Promise((resolve) => setTimeout(resolve, 10));
}

// 5. A last report, then one shutdown (device, report timer, health monitor, aggregator).
await report();
const { stopped } = await telemetry.shutdown();
console.log(`stopped: ${stopped.join(', ')}`);
