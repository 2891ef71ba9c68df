import type { ComputeBackend } from './compute-backend.js';
import { uniform } from './uniform.js';

/** Tile edge: each workgroup computes a TILE x TILE block of C from shared-memory tiles of A and B. */
export const MATMUL_TILE = 16;

export const MATMUL_WGSL = /* wgsl */ `
struct Dims { m: u32, k: u32, n: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

const TILE = ${MATMUL_TILE}u;
var<workgroup> tileA: array<f32, ${MATMUL_TILE * MATMUL_TILE}>;
var<workgroup> tileB: array<f32, ${MATMUL_TILE * MATMUL_TILE}>;

@compute @workgroup_size(${MATMUL_TILE}, ${MATMUL_TILE})
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let row = wid.y * TILE + lid.y;
  let col = wid.x * TILE + lid.x;
  var acc = 0.0;
  let tiles = (dims.k + TILE - 1u) / TILE;
  for (var t = 0u; t < tiles; t++) {
    let ac = t * TILE + lid.x;
    let br = t * TILE + lid.y;
    var va = 0.0;
    var vb = 0.0;
    if (row < dims.m && ac < dims.k) { va = a[row * dims.k + ac]; }
    if (br < dims.k && col < dims.n) { vb = b[br * dims.n + col]; }
    tileA[lid.y * TILE + lid.x] = va;
    tileB[lid.y * TILE + lid.x] = vb;
    workgroupBarrier();
    for (var i = 0u; i < TILE; i++) {
      acc += tileA[lid.y * TILE + i] * tileB[i * TILE + lid.x];
    }
    workgroupBarrier();
  }
  if (row < dims.m && col < dims.n) { c[row * dims.n + col] = acc; }
}`;

export interface MatmulShape {
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** Workgroups for an m x n result. */
export function matmulWorkgroups({ m, n }: MatmulShape): [number, number] {
  return [Math.ceil(n / MATMUL_TILE), Math.ceil(m / MATMUL_TILE)];
}

/**
 * C (m x n) = A (m x k) · B (k x n), row-major f32, tiled in workgroup memory.
 *
 * ```ts
 * const c = await matmul(backend, a, b, { m: 64, k: 32, n: 48 }); // Float32Array(64 * 48)
 * ```
 */
export async function matmul(backend: ComputeBackend, a: Float32Array, b: Float32Array, shape: MatmulShape): Promise<Float32Array> {
  const { m, k, n } = shape;
  for (const [name, v] of Object.entries({ m, k, n })) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`matmul: ${name} must be a positive integer, got ${v}`);
  }
  if (a.length !== m * k) throw new RangeError(`matmul: a must hold m*k = ${m * k} values, got ${a.length}`);
  if (b.length !== k * n) throw new RangeError(`matmul: b must hold k*n = ${k * n} values, got ${b.length}`);
  const kernel = await backend.kernel('matmul', MATMUL_WGSL);
  const bufs = [backend.upload(a), backend.upload(b), backend.buffer(4 * m * n), uniform(backend, [m, k, n])];
  try {
    await backend.run(kernel, bufs, matmulWorkgroups(shape), { ops: 2 * m * n * k, bytes: 4 * (m * k + k * n + m * n) });
    return new Float32Array(await backend.read(bufs[2], 4 * m * n));
  } finally {
    for (const buf of bufs) buf.destroy();
  }
}
