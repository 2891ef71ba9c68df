// Instrumenting WebGPU code of one's own: a device you create as you always do, handed to
// `instrument()`; the code below it is plain WebGPU and knows nothing of rx-telemetry, yet its
// compilations, dispatches, transfers and buffers report themselves.
import { counter, distribution, sum, telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { BufferUsage, instrument, requestAdapter } from '@rx-telemetry/webgpu';

const SIZES = [32, 64, 128];
const RUNS = 5;

// 1. What to read from the device's events (and from our own span around each multiplication).
const ms = { from: 'nanosecond', to: 'millisecond' } as const;
const aggregator = new Aggregator(telemetry, {
  metrics: [
    distribution('compute.kernel.dispatch.stop.duration', { tags: ['kernel'], unit: ms }),
    distribution('compute.kernel.dispatch.stop.gpuDuration', { tags: ['kernel'], unit: ms }),
    counter('compute.kernel.compile.stop.count', { tags: ['kernel'] }),
    sum('compute.memory.transfer.stop.bytes', { tags: ['direction'], unit: 'byte' }),
    distribution('app.matmul.stop.duration', { tags: ['n'], unit: ms }),
  ],
});

// 2. Your device, created as usual (timestamps if the adapter has them), then instrumented in place.
const { adapter } = await requestAdapter();
const device = await adapter.requestDevice({ requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [] });
const gpu = instrument(telemetry, device, { deviceId: 'gpu0' });
console.log(`device: ${gpu.info.description}${gpu.info.fallback ? ' (CPU fallback adapter)' : ''}; GPU timestamps: ${gpu.timestamps}`);

// 3. Your WebGPU code, unchanged: a naive matmul, C = A·B for n×n matrices.
const module = device.createShaderModule({
  code: /* wgsl */ `
    @group(0) @binding(0) var<storage, read> a: array<f32>;
    @group(0) @binding(1) var<storage, read> b: array<f32>;
    @group(0) @binding(2) var<storage, read_write> c: array<f32>;
    @group(0) @binding(3) var<uniform> n: vec4<u32>;
    @compute @workgroup_size(8, 8)
    fn main(@builtin(global_invocation_id) id: vec3<u32>) {
      let size = n.x;
      if (id.x >= size || id.y >= size) { return; }
      var acc = 0.0;
      for (var k = 0u; k < size; k++) { acc += a[id.y * size + k] * b[k * size + id.x]; }
      c[id.y * size + id.x] = acc;
    }`,
});
const pipeline = device.createComputePipeline({ label: 'my_matmul', layout: 'auto', compute: { module, entryPoint: 'main' } });

async function matmul(a: Float32Array, b: Float32Array, n: number): Promise<Float32Array> {
  const bytes = n * n * 4;
  const storage = BufferUsage.STORAGE | BufferUsage.COPY_DST | BufferUsage.COPY_SRC;
  const [ga, gb, gc] = ['a', 'b', 'c'].map((label) => device.createBuffer({ label, size: bytes, usage: storage }));
  const dims = device.createBuffer({ label: 'n', size: 16, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
  const readback = device.createBuffer({ label: 'readback', size: bytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
  device.queue.writeBuffer(ga, 0, a);
  device.queue.writeBuffer(gb, 0, b);
  device.queue.writeBuffer(dims, 0, Uint32Array.of(n, 0, 0, 0));
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [ga, gb, gc, dims].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(n / 8), Math.ceil(n / 8));
  pass.end();
  encoder.copyBufferToBuffer(gc, 0, readback, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(1 /* GPUMapMode.READ */);
  const c = new Float32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  for (const buffer of [ga, gb, gc, dims, readback]) buffer.destroy();
  return c;
}

// 4. Run it, each multiplication in a span of our own (the device's events nest under it), and
// check it against the CPU (small integers: exact in f32).
function cpuMatmul(a: Float32Array, b: Float32Array, n: number): Float32Array {
  const c = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * n + k] * b[k * n + j];
  return c;
}
let verified = 0;
for (const n of SIZES) {
  const a = Float32Array.from({ length: n * n }, (_, i) => (i % 5) - 2);
  const b = Float32Array.from({ length: n * n }, (_, i) => (i % 3) - 1);
  const expected = cpuMatmul(a, b, n);
  for (let run = 0; run < RUNS; run++) {
    const c = await telemetry.span(['app', 'matmul'], { n }, () => matmul(a, b, n));
    if (c.every((v, i) => v === expected[i])) verified++;
  }
}

// 5. One shutdown: in-flight work ends (the last dispatch's stop and copy included), the device gets
// its own methods back (it stays yours), then the aggregator stops; what it recorded stays readable.
await telemetry.shutdown();
const memory = gpu.memory();
device.destroy();

// 6. What the events said.
const snapshot = aggregator.snapshot();
const series = (name: string) => snapshot.metrics.find((m) => m.name === name)?.series ?? [];
const f = (v: number | undefined): string => (v ?? 0).toFixed(3);
console.log(`${SIZES.length * RUNS} multiplications, ${verified} verified against the CPU`);
for (const s of series('app.matmul.stop.duration')) {
  const n = Number(s.tags.n);
  console.log(`n=${n}: p50 ${f(s.total?.p50)} ms, max ${f(s.total?.max)} ms end to end; ${((2 * n ** 3) / ((s.total?.p50 ?? 1) * 1e6)).toFixed(3)} GFLOP/s at p50`);
}
for (const s of series('compute.kernel.dispatch.stop.duration')) console.log(`dispatch ${s.tags.kernel}: ${s.total?.count} times, p50 ${f(s.total?.p50)} ms (CPU side)`);
for (const s of series('compute.kernel.dispatch.stop.gpuDuration')) console.log(`dispatch ${s.tags.kernel}: p50 ${f(s.total?.p50)} ms on the GPU (timestamp queries)`);
for (const s of series('compute.kernel.compile.stop.count')) console.log(`compiled ${s.tags.kernel}: ${s.value} time(s)`);
for (const s of series('compute.memory.transfer.stop.bytes')) console.log(`transfer ${s.tags.direction}: ${s.value} bytes`);
console.log(`device memory: ${JSON.stringify(memory)}`);

