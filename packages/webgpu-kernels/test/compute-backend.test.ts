import { expect } from 'chai';
import { Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { BufferUsage, type InstrumentedDevice } from '@rx-telemetry/webgpu';
import { ComputeBackend, VECTOR_ADD_WGSL, grid1d, uniform, type Kernel } from '../src/index.js';
import { deviceOrSkip } from './support.js';

const N = 4096;

describe('ComputeBackend', function () {
  let telemetry: Telemetry;
  let gpu: InstrumentedDevice;
  let backend: ComputeBackend;

  beforeEach(async function () {
    telemetry = new Telemetry();
    gpu = await deviceOrSkip(this, telemetry, { deviceId: 'kernels-gpu' });
    backend = new ComputeBackend(gpu);
  });
  afterEach(() => gpu?.stop());

  it("run() returns the timing its dispatch's stop event carries, rates included", async function () {
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    const kernel = await backend.kernel('vector_add', VECTOR_ADD_WGSL);
    const bufs = [backend.buffer(4 * N), backend.buffer(4 * N), backend.buffer(4 * N), uniform(backend, [N])];
    const result = await backend.run(kernel, bufs, grid1d(N / 256), { ops: N, bytes: 12 * N });
    expect(seen).to.have.length(1);
    expect(seen[0].metadata).to.include({ kernel: 'vector_add', device: 'kernels-gpu' });
    expect(seen[0].measurements).to.include({ duration: result.duration, opsPerSecond: result.opsPerSecond, bandwidthBytesPerSecond: result.bandwidthBytesPerSecond });
    expect(result.opsPerSecond).to.be.above(0);
    if (gpu.timestamps) expect(seen[0].measurements.gpuDuration).to.equal(result.gpuDuration);
  });

  it('run() times a dispatch with nobody listening', async function () {
    const kernel = await backend.kernel('vector_add', VECTOR_ADD_WGSL);
    const bufs = [backend.buffer(4 * N), backend.buffer(4 * N), backend.buffer(4 * N), uniform(backend, [N])];
    const result = await backend.run(kernel, bufs, grid1d(N / 256));
    expect(result.duration).to.be.above(0);
    expect(result).to.not.have.property('opsPerSecond');
  });

  it('kernel() compiles the entry point it is given (events named by the kernel name)', async function () {
    const wgsl = `@group(0) @binding(0) var<storage, read_write> data: array<f32>;
      @compute @workgroup_size(64) fn double(@builtin(global_invocation_id) id: vec3<u32>) { if (id.x < arrayLength(&data)) { data[id.x] = data[id.x] * 2.0; } }
      @compute @workgroup_size(64) fn triple(@builtin(global_invocation_id) id: vec3<u32>) { if (id.x < arrayLength(&data)) { data[id.x] = data[id.x] * 3.0; } }`;
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    const triple = await backend.kernel('triple', wgsl, { entryPoint: 'triple' });
    expect(triple.entryPoint).to.equal('triple');
    const data = backend.upload(Float32Array.of(1, 2, 3));
    await backend.run(triple, [data], [1]);
    expect(Array.from(new Float32Array(await backend.read(data)))).to.deep.equal([3, 6, 9]);
    expect(seen[0].metadata.kernel).to.equal('triple');
  });

  it('kernel() compiles a name and WGSL once', async function () {
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'compile', 'stop']]);
    const [a, b] = await Promise.all([backend.kernel('vector_add', VECTOR_ADD_WGSL), backend.kernel('vector_add', VECTOR_ADD_WGSL)]);
    expect(a).to.equal(b);
    expect(seen).to.have.length(1);
  });

  it('upload() pads data whose size is not a multiple of 4 bytes and read() returns it', async function () {
    const data = Uint8Array.of(1, 2, 3, 4, 5, 6, 7);
    const buf = backend.upload(data);
    expect(Array.from(new Uint8Array(await backend.read(buf, 7)))).to.deep.equal(Array.from(data));
  });

  it('read() refuses a buffer without COPY_SRC usage with a clear error', async function () {
    const buf = backend.buffer(16, BufferUsage.STORAGE);
    expect(() => backend.read(buf)).to.throw(TypeError, /COPY_SRC/);
  });

  it('run() rejects workgroup counts outside the device limit with a RangeError', async function () {
    const kernel = await backend.kernel('vector_add', VECTOR_ADD_WGSL);
    expect(() => backend.run(kernel, [], [1e9])).to.throw(RangeError, /workgroup count/);
    expect(() => backend.run(kernel, [], [1.5])).to.throw(RangeError);
  });

  it('names the bad argument in a TypeError', async function () {
    expect(() => new ComputeBackend({} as InstrumentedDevice)).to.throw(TypeError, /InstrumentedDevice/);
    expect(() => backend.kernel('', VECTOR_ADD_WGSL)).to.throw(TypeError, /name must be a non-empty string/);
    expect(() => backend.kernel('k', '')).to.throw(TypeError, /wgsl must be a non-empty string/);
    expect(() => backend.upload('text' as unknown as Float32Array)).to.throw(TypeError, /TypedArray/);
    const k = await backend.kernel('vector_add', VECTOR_ADD_WGSL);
    expect(() => backend.run({} as Kernel, [], [1])).to.throw(TypeError, /kernel must come from backend.kernel/);
    expect(() => backend.run(k, 'x' as unknown as GPUBuffer[], [1])).to.throw(TypeError, /bindings must be an array/);
    expect(() => backend.run(k, [], [] as unknown as [number])).to.throw(TypeError, /workgroups must be/);
  });
});
