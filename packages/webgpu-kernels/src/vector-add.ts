import type { ComputeBackend } from './compute-backend.js';
import { FLAT_WORKGROUP, grid1d } from './grid.js';
import { uniform } from './uniform.js';

export const VECTOR_ADD_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> n: vec4<u32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = (${FLAT_WORKGROUP}) * 256u + lid.x;
  if (i < n.x) { c[i] = a[i] + b[i]; }
}`;

/**
 * c = a + b, elementwise, on the GPU.
 *
 * ```ts
 * await vectorAdd(backend, new Float32Array([1, 2]), new Float32Array([3, 4])); // Float32Array [4, 6]
 * ```
 */
export async function vectorAdd(backend: ComputeBackend, a: Float32Array, b: Float32Array): Promise<Float32Array> {
  if (!(a instanceof Float32Array) || !(b instanceof Float32Array)) throw new TypeError('vectorAdd: a and b must be Float32Array');
  if (a.length !== b.length || a.length === 0) throw new RangeError(`vectorAdd: lengths must be equal and > 0, got ${a.length} and ${b.length}`);
  const kernel = await backend.kernel('vector_add', VECTOR_ADD_WGSL);
  const bufs = [backend.upload(a), backend.upload(b), backend.buffer(a.byteLength), uniform(backend, [a.length])];
  try {
    await backend.run(kernel, bufs, grid1d(Math.ceil(a.length / 256)), { ops: a.length, bytes: 3 * a.byteLength });
    return new Float32Array(await backend.read(bufs[2], a.byteLength));
  } finally {
    for (const b of bufs) b.destroy();
  }
}
