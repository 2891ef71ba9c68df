import type { Context } from 'mocha';
import type { EventName, Telemetry } from '@rx-telemetry/core';
import { BufferUsage, NoAdapterError, requestAdapter, requestInstrumentedDevice, type DeviceOptions, type InstrumentedDevice, type RunResult, type Work } from '../src/index.js';

const CI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * An instrumented device, or a skipped test on a machine with no adapter at all. In CI a
 * missing adapter is a failure: the set-up must have provided lavapipe or OpenGL ES.
 */
export async function deviceOrSkip(ctx: Context, telemetry: Telemetry, options?: DeviceOptions): Promise<InstrumentedDevice> {
  return orSkip(ctx, () => requestInstrumentedDevice(telemetry, options));
}

/** The adapter requestAdapter() finds (for a plain device), or a skipped test as in deviceOrSkip. */
export async function adapterOrSkip(ctx: Context): Promise<GPUAdapter> {
  return (await orSkip(ctx, () => requestAdapter())).adapter;
}

async function orSkip<T>(ctx: Context, get: () => Promise<T>): Promise<T> {
  try {
    return await get();
  } catch (error) {
    if (error instanceof NoAdapterError && !CI) {
      console.warn(`      skipped: ${error.message}`);
      ctx.skip();
    }
    throw error;
  }
}

/** Resolves once `predicate` holds for the recorded events, polling the event loop (not a sleep-as-assertion: it fails by timeout). */
export async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

export function spanEvents(prefix: string): EventName[] {
  const p = prefix.split('.');
  return [
    [...p, 'start'],
    [...p, 'stop'],
    [...p, 'exception'],
  ];
}

/** c[i] = a[i] + b[i] for i < n (bindings: a, b, c, uniform n): the kernel these tests dispatch. */
export const VECTOR_ADD_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> n: vec4<u32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < n.x) { c[id.x] = a[id.x] + b[id.x]; }
}`;

const DEFAULT_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/**
 * Plain WebGPU steps on an instrumented device, written out so each test reads as the calls it
 * makes: pipelines, buffers, uploads (writeBuffer), reads (copy + mapAsync) and timed dispatches.
 */
export class GpuSteps {
  constructor(readonly gpu: InstrumentedDevice) {}

  pipeline(label: string, wgsl: string, entryPoint = 'main'): Promise<GPUComputePipeline> {
    const device = this.gpu.device;
    const module = device.createShaderModule({ label, code: wgsl });
    return device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint } });
  }

  buffer(bytes: number, usage: number = DEFAULT_USAGE, label?: string): GPUBuffer {
    return this.gpu.device.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage, label });
  }

  /** A buffer holding `data` (4-byte multiple), written with queue.writeBuffer. */
  upload(data: ArrayBufferView, usage: number = DEFAULT_USAGE): GPUBuffer {
    const buffer = this.buffer(data.byteLength, usage);
    this.gpu.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /** The vector-add size uniform. */
  size(n: number): GPUBuffer {
    return this.upload(Uint32Array.of(n, 0, 0, 0), BufferUsage.UNIFORM | BufferUsage.COPY_DST);
  }

  /** Copies `bytes` of `buffer` into a staging buffer and maps it (device_to_device, then device_to_host). */
  async read(buffer: GPUBuffer, bytes: number = buffer.size): Promise<ArrayBuffer> {
    const device = this.gpu.device;
    const staging = device.createBuffer({ size: bytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(1);
    const copy = staging.getMappedRange().slice(0);
    staging.unmap();
    staging.destroy();
    return copy;
  }

  bindGroup(pipeline: GPUComputePipeline, buffers: readonly GPUBuffer[]): GPUBindGroup {
    return this.gpu.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  /** `gpu.timedDispatch` with `buffers` bound in order. */
  dispatch(pipeline: GPUComputePipeline, buffers: readonly GPUBuffer[], workgroups: readonly [number, number?, number?], work?: Work): Promise<RunResult> {
    return this.gpu.timedDispatch(pipeline, this.bindGroup(pipeline, buffers), [workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1], work);
  }

  /** One vector add of `n` elements (zeros) through timedDispatch. */
  async vectorAdd(n: number, work?: Work): Promise<RunResult> {
    const pipeline = await this.pipeline('vector_add', VECTOR_ADD_WGSL);
    const buffers = [this.buffer(4 * n), this.buffer(4 * n), this.buffer(4 * n), this.size(n)];
    return this.dispatch(pipeline, buffers, [Math.ceil(n / 256)], work);
  }
}
