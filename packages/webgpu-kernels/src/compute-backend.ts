import { BufferUsage, type InstrumentedDevice, type RunResult, type Work } from '@rx-telemetry/webgpu';

/** GPUMapMode.READ (the spec's value; Node has no GPUMapMode global). */
const MAP_MODE_READ = 0x0001;

/** A compiled compute pipeline with the name its events carry. */
export interface Kernel {
  readonly name: string;
  readonly entryPoint: string;
  readonly pipeline: GPUComputePipeline;
}

export type Workgroups = readonly [number, number?, number?];

/**
 * Compiles WGSL kernels and runs them on an instrumented device, returning the timing that the
 * dispatch events carry. Buffers go through the instrumented device, so uploads and reads show
 * as transfer events.
 *
 * ```ts
 * const backend = new ComputeBackend(await requestInstrumentedDevice(telemetry));
 * const k = await backend.kernel('double', DOUBLE_WGSL);
 * const buf = backend.upload(new Float32Array([1, 2, 3]));
 * const { duration, gpuDuration } = await backend.run(k, [buf], [1], { ops: 3 });
 * const out = new Float32Array(await backend.read(buf)); // [2, 4, 6]
 * ```
 */
export class ComputeBackend {
  readonly #kernels = new Map<string, Promise<Kernel>>();
  readonly #maxWorkgroups: number;

  constructor(readonly device: InstrumentedDevice) {
    if (device === null || typeof device !== 'object' || typeof device.timedDispatch !== 'function') {
      throw new TypeError('ComputeBackend: expected an InstrumentedDevice from instrument() or requestInstrumentedDevice()');
    }
    this.#maxWorkgroups = device.device.limits.maxComputeWorkgroupsPerDimension;
  }

  /** Compiles (once per name, WGSL and entry point) a kernel; rejects with Dawn's GPUPipelineError. */
  kernel(name: string, wgsl: string, options: { entryPoint?: string } = {}): Promise<Kernel> {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('kernel: name must be a non-empty string');
    if (typeof wgsl !== 'string' || wgsl.length === 0) throw new TypeError('kernel: wgsl must be a non-empty string');
    const entryPoint = options.entryPoint ?? 'main';
    const key = `${name}\0${entryPoint}\0${wgsl}`;
    let kernel = this.#kernels.get(key);
    if (kernel === undefined) {
      const device = this.device.device;
      const module = device.createShaderModule({ label: name, code: wgsl });
      kernel = device
        .createComputePipelineAsync({ label: name, layout: 'auto', compute: { module, entryPoint } })
        .then((pipeline) => ({ name, entryPoint, pipeline }));
      kernel.catch(() => this.#kernels.delete(key));
      this.#kernels.set(key, kernel);
    }
    return kernel;
  }

  /**
   * Dispatches `kernel` with `bindings` as @group(0) @binding(0..n-1) and waits until it is
   * done. `work` (total ops, bytes moved) adds rates to the result and the stop event.
   */
  run(kernel: Kernel, bindings: readonly GPUBuffer[], workgroups: Workgroups, work?: Work): Promise<RunResult> {
    if (kernel === null || typeof kernel !== 'object' || kernel.pipeline === undefined) throw new TypeError('run: kernel must come from backend.kernel()');
    if (!Array.isArray(bindings)) throw new TypeError('run: bindings must be an array of GPUBuffer');
    const grid = this.#grid(workgroups);
    const bindGroup = this.device.device.createBindGroup({
      layout: kernel.pipeline.getBindGroupLayout(0),
      entries: bindings.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    return this.device.timedDispatch(kernel.pipeline, bindGroup, grid, work);
  }

  /** A storage buffer holding `data` (uploaded with writeBuffer: a host_to_device transfer). */
  upload(data: ArrayBufferView, usage: number = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, label?: string): GPUBuffer {
    if (!ArrayBuffer.isView(data)) throw new TypeError('upload: data must be a TypedArray or DataView');
    const buffer = this.buffer(data.byteLength, usage, label);
    // writeBuffer wants a multiple of 4 bytes; the buffer is already rounded up.
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const source = bytes.byteLength % 4 === 0 ? bytes : padded(bytes);
    this.device.device.queue.writeBuffer(buffer, 0, source.buffer, source.byteOffset, source.byteLength);
    return buffer;
  }

  /** An uninitialised (zeroed) buffer of `bytes`, rounded up to WebGPU's 4-byte multiple. */
  buffer(bytes: number, usage: number = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, label?: string): GPUBuffer {
    if (!Number.isInteger(bytes) || bytes <= 0) throw new RangeError(`buffer: bytes must be a positive integer, got ${bytes}`);
    return this.device.device.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage, label });
  }

  /** Copies `bytes` (default: all) of `buffer` back to the host. */
  read(buffer: GPUBuffer, bytes: number = buffer.size): Promise<ArrayBuffer> {
    if ((buffer.usage & BufferUsage.COPY_SRC) === 0) throw new TypeError('read: the buffer needs COPY_SRC usage to be read back');
    if (!Number.isInteger(bytes) || bytes <= 0 || bytes > buffer.size) {
      throw new RangeError(`read: bytes must be an integer in [1, ${buffer.size}], got ${bytes}`);
    }
    return this.#read(buffer, bytes);
  }

  async #read(buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const device = this.device.device;
    const size = Math.ceil(bytes / 4) * 4;
    const staging = device.createBuffer({ size, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST, label: 'rx-telemetry readback' });
    try {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(MAP_MODE_READ, 0, size);
      const copy = staging.getMappedRange(0, size).slice(0, bytes);
      staging.unmap();
      return copy;
    } finally {
      staging.destroy();
    }
  }

  #grid(workgroups: Workgroups): [number, number, number] {
    if (!Array.isArray(workgroups) || (workgroups as readonly number[]).length === 0 || workgroups.length > 3) {
      throw new TypeError('run: workgroups must be [x, y?, z?]');
    }
    const grid: [number, number, number] = [workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1];
    for (const n of grid) {
      if (!Number.isInteger(n) || n < 0 || n > this.#maxWorkgroups) {
        throw new RangeError(`run: each workgroup count must be an integer in [0, ${this.#maxWorkgroups}], got [${grid.join(', ')}]`);
      }
    }
    return grid;
  }
}

function padded(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
  out.set(bytes);
  return out;
}
