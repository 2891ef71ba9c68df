import { BufferUsage } from '@rx-telemetry/webgpu';
import type { ComputeBackend } from './compute-backend.js';

/** A 16-byte uniform buffer of up to four u32 values (a kernel's sizes). */
export function uniform(backend: ComputeBackend, values: readonly number[]): GPUBuffer {
  const data = new Uint32Array(4);
  data.set(values);
  return backend.upload(data, BufferUsage.UNIFORM | BufferUsage.COPY_DST);
}
