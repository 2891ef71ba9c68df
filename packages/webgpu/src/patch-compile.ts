import { performance } from 'node:perf_hooks';
import type { DeviceProbe } from './device-probe.js';
import { compilationMessages, ShaderCompilationError } from './shader-compilation-error.js';
import { ns } from './span-events.js';

/**
 * Compile spans around pipeline creation. The synchronous call never throws for bad WGSL (the
 * error goes to error scopes / uncapturederror), so its stop or exception follows once the
 * module's compilation info is known; its duration is the synchronous call's.
 */
export function patchCompile(device: GPUDevice, probe: DeviceProbe): void {
  const { raw, events, deviceId } = probe;
  const compile = events.compile;
  device.createComputePipeline = function (descriptor: GPUComputePipelineDescriptor): GPUComputePipeline {
    const kernel = kernelNameOf(descriptor);
    if (!compile.active) {
      const pipeline = raw.createComputePipeline.call(device, descriptor);
      probe.nameKernel(pipeline, kernel);
      return pipeline;
    }
    const token = compile.begin({ kernel, device: deviceId });
    let pipeline: GPUComputePipeline;
    try {
      pipeline = raw.createComputePipeline.call(device, descriptor);
    } catch (error) {
      compile.fail(token, error);
      throw error;
    }
    const duration = ns(performance.now() - token.t0);
    probe.nameKernel(pipeline, kernel);
    void compilationMessages(descriptor.compute.module).then((messages) => {
      if (messages.some((m) => m.type === 'error')) compile.fail(token, new ShaderCompilationError(kernel, messages), { messages }, { duration });
      else compile.end(token, { duration }, messages.length === 0 ? undefined : { messages });
    });
    return pipeline;
  };
  device.createComputePipelineAsync = function (descriptor: GPUComputePipelineDescriptor): Promise<GPUComputePipeline> {
    const kernel = kernelNameOf(descriptor);
    const token = compile.active ? compile.begin({ kernel, device: deviceId }) : undefined;
    return raw.createComputePipelineAsync.call(device, descriptor).then(
      (pipeline) => {
        probe.nameKernel(pipeline, kernel);
        if (token !== undefined) compile.end(token, {});
        return pipeline;
      },
      async (error: unknown) => {
        if (token !== undefined) compile.fail(token, error, { messages: await compilationMessages(descriptor.compute.module) });
        throw error;
      },
    );
  };
}

/** The label, else the entry point: what names the kernel in dispatch events. */
function kernelNameOf(descriptor: GPUComputePipelineDescriptor): string {
  return descriptor.label || descriptor.compute.entryPoint || 'anonymous';
}
