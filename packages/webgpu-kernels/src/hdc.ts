import type { ComputeBackend } from './compute-backend.js';
import { FLAT_WORKGROUP, grid1d } from './grid.js';
import { uniform } from './uniform.js';

// Hypervectors are bipolar (+1/-1) f32 arrays of dimension `dim`; a set of them is stored
// row-major, one vector per row.

export const HDC_BIND_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> n: vec4<u32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = (${FLAT_WORKGROUP}) * 256u + lid.x;
  if (i < n.x) { out[i] = a[i] * b[i]; }
}`;

// Majority per dimension; a tie (even count) gives +1, as in the CPU reference.
export const HDC_BUNDLE_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> vectors: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> shape: vec4<u32>; // x = dim, y = count

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = (${FLAT_WORKGROUP}) * 256u + lid.x;
  if (i >= shape.x) { return; }
  var s = 0.0;
  for (var v = 0u; v < shape.y; v++) { s += vectors[v * shape.x + i]; }
  out[i] = select(-1.0, 1.0, s >= 0.0);
}`;

// One workgroup per stored vector: 256 threads stride over the dimensions, then reduce.
export const HDC_COSINE_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> query: array<f32>;
@group(0) @binding(1) var<storage, read> vectors: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> shape: vec4<u32>; // x = dim, y = count
var<workgroup> dots: array<f32, 256>;
var<workgroup> qq: array<f32, 256>;
var<workgroup> vv: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = ${FLAT_WORKGROUP};
  let dim = shape.x;
  var d = 0.0;
  var q2 = 0.0;
  var v2 = 0.0;
  if (row < shape.y) {
    for (var i = lid.x; i < dim; i += 256u) {
      let q = query[i];
      let v = vectors[row * dim + i];
      d += q * v;
      q2 += q * q;
      v2 += v * v;
    }
  }
  dots[lid.x] = d;
  qq[lid.x] = q2;
  vv[lid.x] = v2;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride >>= 1u) {
    if (lid.x < stride) {
      dots[lid.x] += dots[lid.x + stride];
      qq[lid.x] += qq[lid.x + stride];
      vv[lid.x] += vv[lid.x + stride];
    }
    workgroupBarrier();
  }
  if (lid.x == 0u && row < shape.y) {
    let norms = sqrt(qq[0]) * sqrt(vv[0]);
    out[row] = select(0.0, dots[0] / norms, norms > 0.0);
  }
}`;

/**
 * Binding: elementwise product of two bipolar hypervectors (associates them).
 *
 * ```ts
 * await hdcBind(backend, Float32Array.of(1, -1), Float32Array.of(-1, -1)); // [-1, 1]
 * ```
 */
export async function hdcBind(backend: ComputeBackend, a: Float32Array, b: Float32Array): Promise<Float32Array> {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`hdcBind: lengths must be equal and > 0, got ${a.length} and ${b.length}`);
  const kernel = await backend.kernel('hdc_bind', HDC_BIND_WGSL);
  const bufs = [backend.upload(a), backend.upload(b), backend.buffer(a.byteLength), uniform(backend, [a.length])];
  try {
    await backend.run(kernel, bufs, grid1d(Math.ceil(a.length / 256)), { ops: a.length, bytes: 3 * a.byteLength });
    return new Float32Array(await backend.read(bufs[2], a.byteLength));
  } finally {
    for (const buf of bufs) buf.destroy();
  }
}

/**
 * Bundling: elementwise majority of `count` hypervectors stored row-major in `vectors`
 * (ties give +1).
 *
 * ```ts
 * await hdcBundle(backend, Float32Array.of(1, 1, -1, 1, -1, -1, -1, 1, -1), 3); // rows of dim 3 → [1, -1, -1]
 * ```
 */
export async function hdcBundle(backend: ComputeBackend, vectors: Float32Array, dim: number): Promise<Float32Array> {
  const count = checkRows('hdcBundle', vectors, dim);
  const kernel = await backend.kernel('hdc_bundle', HDC_BUNDLE_WGSL);
  const bufs = [backend.upload(vectors), backend.buffer(4 * dim), uniform(backend, [dim, count])];
  try {
    await backend.run(kernel, bufs, grid1d(Math.ceil(dim / 256)), { ops: dim * count, bytes: 4 * (dim * count + dim) });
    return new Float32Array(await backend.read(bufs[1], 4 * dim));
  } finally {
    for (const buf of bufs) buf.destroy();
  }
}

/**
 * Cosine similarity of `query` against each of the hypervectors stored row-major in `vectors`.
 *
 * ```ts
 * const sims = await hdcCosine(backend, query, memory, 10_000); // Float32Array(memory.length / 10_000)
 * ```
 */
export async function hdcCosine(backend: ComputeBackend, query: Float32Array, vectors: Float32Array, dim: number): Promise<Float32Array> {
  const count = checkRows('hdcCosine', vectors, dim);
  if (query.length !== dim) throw new RangeError(`hdcCosine: query must have dim = ${dim} values, got ${query.length}`);
  const kernel = await backend.kernel('hdc_cosine', HDC_COSINE_WGSL);
  const bufs = [backend.upload(query), backend.upload(vectors), backend.buffer(4 * count), uniform(backend, [dim, count])];
  try {
    await backend.run(kernel, bufs, grid1d(count), { ops: 6 * dim * count, bytes: 4 * (dim * count + dim + count) });
    return new Float32Array(await backend.read(bufs[2], 4 * count));
  } finally {
    for (const buf of bufs) buf.destroy();
  }
}

function checkRows(what: string, vectors: Float32Array, dim: number): number {
  if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`${what}: dim must be a positive integer, got ${dim}`);
  if (vectors.length === 0 || vectors.length % dim !== 0) {
    throw new RangeError(`${what}: vectors must hold a whole number (> 0) of ${dim}-dim rows, got ${vectors.length} values`);
  }
  return vectors.length / dim;
}
