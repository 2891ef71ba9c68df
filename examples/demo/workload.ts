// The demo's workload: jobs of real WGSL kernels on an instrumented device, at a steady rate, each
// job in withCorrelation and a span; a small share fail on purpose, and more of them during an
// error burst (5 s to 11 s of every minute) so an alert fires and resolves in every run.
import { withCorrelation, type Telemetry } from '@rx-telemetry/core';
import { BufferUsage, type InstrumentedDevice } from '@rx-telemetry/webgpu';
import { ComputeBackend, hdcBind, hdcBundle, hdcCosine, matmul, reduceSum, vectorAdd, VECTOR_ADD_WGSL } from '@rx-telemetry/webgpu-kernels';

export type Task = 'vector' | 'matmul' | 'hdc';
export type Failure = 'invalid_shader' | 'out_of_range_dispatch' | 'buffer_mapping';
const TASKS: readonly Task[] = ['vector', 'matmul', 'hdc'];
const FAILURES: readonly Failure[] = ['invalid_shader', 'out_of_range_dispatch', 'buffer_mapping'];
const MAP_READ = 1;

/** A deterministic pseudo-random sequence (the same run every time). */
export function random(seed = 7): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const bipolar = (n: number, rnd: () => number): Float32Array => Float32Array.from({ length: n }, () => (rnd() < 0.5 ? -1 : 1));
const ramp = (n: number, mod: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (i % mod) - mod / 2);

/** The kernels a task runs, with sizes drawn from `rnd`; resolves with what they computed. */
export async function runTask(backend: ComputeBackend, task: Task, rnd: () => number): Promise<Record<string, unknown>> {
  if (task === 'vector') {
    const n = 1 << (14 + Math.floor(rnd() * 5)); // 16 Ki .. 256 Ki elements
    const x = ramp(n, 13);
    const added = await vectorAdd(backend, x, x);
    return { n, added, total: await reduceSum(backend, added) };
  }
  if (task === 'matmul') {
    const size = [32, 64, 96, 128][Math.floor(rnd() * 4)];
    const a = ramp(size * size, 7);
    // Two products at once: overlapping spans in one job (the profile draws them on two tracks).
    const [c, d] = await Promise.all([matmul(backend, a, a, { m: size, k: size, n: size }), matmul(backend, a, a, { m: size, k: size, n: size })]);
    return { size, c, d };
  }
  const dim = [1024, 2048][Math.floor(rnd() * 2)];
  const rows = [16, 32, 64][Math.floor(rnd() * 3)];
  const memory = bipolar(rows * dim, rnd);
  const key = bipolar(dim, rnd);
  const bound = await hdcBind(backend, memory.subarray(0, dim), key);
  const bundle = await hdcBundle(backend, memory.subarray(0, 4 * dim), dim);
  const similarity = await hdcCosine(backend, memory.subarray(2 * dim, 3 * dim), memory, dim);
  return { dim, rows, bound, bundle, similarity };
}

/** One deliberate failure, as a real device error: the job span ends with the error it throws. */
export async function fail(gpu: InstrumentedDevice, backend: ComputeBackend, failure: Failure): Promise<never> {
  const device = gpu.device;
  if (failure === 'invalid_shader') {
    // Dawn rejects the WGSL: a compile exception event and a validation device error.
    await backend.kernel('broken_shader', '@compute @workgroup_size(64) fn main() { let x: u32 = 1.5; }');
    throw new Error('invalid shader compiled');
  }
  if (failure === 'out_of_range_dispatch') {
    // One workgroup more than the device allows in x: a validation error at submit.
    const kernel = await backend.kernel('vector_add', VECTOR_ADD_WGSL);
    const bufs = [backend.buffer(64), backend.buffer(64), backend.buffer(64), backend.buffer(16, BufferUsage.UNIFORM | BufferUsage.COPY_DST)];
    const bindGroup = device.createBindGroup({ layout: kernel.pipeline.getBindGroupLayout(0), entries: bufs.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    device.pushErrorScope('validation');
    try {
      await gpu.timedDispatch(kernel.pipeline, bindGroup, [device.limits.maxComputeWorkgroupsPerDimension + 1, 1, 1]);
    } finally {
      const error = await device.popErrorScope();
      for (const b of bufs) b.destroy();
      if (error !== null) throw new Error(`out-of-range dispatch: ${error.message.split('\n')[0]}`);
    }
    throw new Error('out-of-range dispatch was accepted');
  }
  // Reading back a buffer that was already destroyed: mapAsync rejects (a transfer exception).
  const staging = device.createBuffer({ size: 4096, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST, label: 'readback' });
  staging.destroy();
  try {
    await staging.mapAsync(MAP_READ);
  } catch (error) {
    throw new Error(`buffer mapping failed: ${error instanceof Error && error.message ? error.message : String(error)}`);
  }
  throw new Error('mapping a destroyed buffer succeeded');
}

export interface WorkloadStats {
  started: number;
  done: number;
  failed: number;
  /** Jobs not started because `maxInFlight` were still running. */
  skipped: number;
  inFlight: number;
}

export interface Workload {
  readonly stats: WorkloadStats;
  /** Whether the error burst is on now. */
  burst(): boolean;
  stop(): Promise<void>;
}

/**
 * Starts `rate` jobs a second until stopped, at most `maxInFlight` at once (the rest are skipped
 * and counted). Registers with the bus: shutdown stops starting jobs and waits for those running.
 */
export function startWorkload(telemetry: Telemetry, gpu: InstrumentedDevice, rate: number, maxInFlight = 8): Workload {
  const backend = new ComputeBackend(gpu);
  const rnd = random();
  const stats: WorkloadStats = { started: 0, done: 0, failed: 0, skipped: 0, inFlight: 0 };
  const t0 = Date.now();
  const burst = (): boolean => {
    const s = ((Date.now() - t0) / 1000) % 60;
    return s >= 5 && s < 11;
  };
  const running = new Set<Promise<void>>();
  const job = (): void => {
    if (stats.inFlight >= maxInFlight) {
      stats.skipped++;
      return;
    }
    const n = stats.started++;
    const task = TASKS[n % TASKS.length];
    // 3 % of the jobs fail on purpose; 40 % during the burst.
    const failure = rnd() < (burst() ? 0.4 : 0.03) ? FAILURES[Math.floor(rnd() * FAILURES.length)] : undefined;
    stats.inFlight++;
    const p = withCorrelation(`job-${n}`, () =>
      telemetry.span(['demo', 'job'], { task, failure: failure ?? 'none' }, () => (failure === undefined ? runTask(backend, task, rnd) : fail(gpu, backend, failure))),
    ).then(
      () => void stats.done++,
      () => void stats.failed++,
    );
    const tracked = p.finally(() => {
      stats.inFlight--;
      running.delete(tracked);
    });
    running.add(tracked);
  };
  const timer = setInterval(job, 1000 / rate);
  const stop = telemetry.manage('demo-workload', async () => {
    clearInterval(timer);
    await Promise.all(running);
  });
  return { stats, burst, stop };
}
