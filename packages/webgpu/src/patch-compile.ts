import { performance } from 'node:perf_hooks';
import type { DeviceProbe } from './device-probe.js';
import type { Overrides } from './overrides.js';
import { compilationMessages, ShaderCompilationError } from './shader-compilation-error.js';

/**
 * Compile spans around pipeline creation. The synchronous call never throws for bad WGSL (the
 * error goes to error scopes / uncapturederror), so its stop or exception follows once the
 * module's compilation info is known; it ends when the synchronous call returned.
 */
export function patchCompile(device: GPUDevice, probe: DeviceProbe, overrides: Overrides): void {
  const { raw, events, deviceId } = probe;
  overrides.set(device, 'createComputePipeline', function (descriptor: GPUComputePipelineDescriptor): GPUComputePipeline {
    const kernel = kernelNameOf(descriptor);
    const compile = events.compile;
    if (!compile.active) {
      const pipeline = raw.createComputePipeline.call(device, descriptor);
      probe.nameKernel(pipeline, kernel);
      return pipeline;
    }
    const span = compile.start({ kernel, device: deviceId }, performance.now());
    let pipeline: GPUComputePipeline;
    try {
      pipeline = raw.createComputePipeline.call(device, descriptor);
    } catch (error) {
      span.exception(error);
      throw error;
    }
    const returned = performance.now();
    probe.nameKernel(pipeline, kernel);
    probe.hold();
    void compilationMessages(descriptor.compute.module).then((messages) => {
      if (messages.some((m) => m.type === 'error')) span.exception(new ShaderCompilationError(kernel, messages), { messages }, returned);
      else span.stop(undefined, messages.length === 0 ? undefined : { messages }, returned);
      probe.release();
    });
    return pipeline;
  });
  overrides.set(device, 'createComputePipelineAsync', function (descriptor: GPUComputePipelineDescriptor): Promise<GPUComputePipeline> {
    const kernel = kernelNameOf(descriptor);
    const compile = events.compile;
    const span = compile.active ? compile.start({ kernel, device: deviceId }) : undefined;
    let created: Promise<GPUComputePipeline>;
    try {
      created = raw.createComputePipelineAsync.call(device, descriptor);
    } catch (error) {
      span?.exception(error);
      throw error;
    }
    probe.hold();
    return created.then(
      (pipeline) => {
        probe.nameKernel(pipeline, kernel);
        span?.stop();
        probe.release();
        return pipeline;
      },
      async (error: unknown) => {
        const rejected = performance.now();
        try {
          if (span !== undefined) span.exception(error, { messages: await compilationMessages(descriptor.compute.module) }, rejected);
        } finally {
          probe.release();
        }
        throw error;
      },
    );
  });
}

/** The label, else the entry point: what names the kernel in dispatch events. */
function kernelNameOf(descriptor: GPUComputePipelineDescriptor): string {
  return descriptor.label || descriptor.compute.entryPoint || 'anonymous';
}
