import type { ComputeBackend } from './compute-backend.js';
import { FLAT_WORKGROUP, grid1d } from './grid.js';
import { uniform } from './uniform.js';

/** Elements each workgroup folds into one partial sum (256 threads x 2). */
export const SUM_PER_WORKGROUP = 512;

export const REDUCE_SUM_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@group(0) @binding(2) var<uniform> n: vec4<u32>;
var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let group = ${FLAT_WORKGROUP};
  let base = group * ${SUM_PER_WORKGROUP}u + lid.x;
  var s = 0.0;
  if (base < n.x) { s = input[base]; }
  if (base + 256u < n.x) { s += input[base + 256u]; }
  partial[lid.x] = s;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride >>= 1u) {
    if (lid.x < stride) { partial[lid.x] += partial[lid.x + stride]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { output[group] = partial[0]; }
}`;

/**
 * The sum of `values`: a tree reduction in workgroup memory, one dispatch per level until one
 * value is left (a dispatch event each).
 *
 * ```ts
 * await reduceSum(backend, new Float32Array([1, 2, 3])); // 6
 * ```
 */
export async function reduceSum(backend: ComputeBackend, values: Float32Array): Promise<number> {
  if (!(values instanceof Float32Array) || values.length === 0) throw new TypeError('reduceSum: values must be a non-empty Float32Array');
  const kernel = await backend.kernel('reduce_sum', REDUCE_SUM_WGSL);
  const owned: GPUBuffer[] = [];
  try {
    let input = backend.upload(values);
    owned.push(input);
    let n = values.length;
    while (n > 1) {
      const groups = Math.ceil(n / SUM_PER_WORKGROUP);
      const output = backend.buffer(4 * groups);
      const size = uniform(backend, [n]);
      owned.push(output, size);
      await backend.run(kernel, [input, output, size], grid1d(groups), { ops: n, bytes: 4 * (n + groups) });
      input = output;
      n = groups;
    }
    return new Float32Array(await backend.read(input, 4))[0];
  } finally {
    for (const b of owned) b.destroy();
  }
}
