// Plain-JS references the GPU kernels are checked against, in float64.

export function addRef(a: Float32Array, b: Float32Array): Float64Array {
  return Float64Array.from(a, (x, i) => x + b[i]);
}

export function matmulRef(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a[i * k + p] * b[p * n + j];
      c[i * n + j] = acc;
    }
  }
  return c;
}

export function sumRef(values: Float32Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export function bindRef(a: Float32Array, b: Float32Array): Float64Array {
  return Float64Array.from(a, (x, i) => x * b[i]);
}

export function bundleRef(vectors: Float32Array, dim: number): Float64Array {
  const count = vectors.length / dim;
  const out = new Float64Array(dim);
  for (let i = 0; i < dim; i++) {
    let s = 0;
    for (let v = 0; v < count; v++) s += vectors[v * dim + i];
    out[i] = s >= 0 ? 1 : -1;
  }
  return out;
}

export function cosineRef(query: Float32Array, vectors: Float32Array, dim: number): Float64Array {
  const count = vectors.length / dim;
  const out = new Float64Array(count);
  for (let r = 0; r < count; r++) {
    let d = 0;
    let qq = 0;
    let vv = 0;
    for (let i = 0; i < dim; i++) {
      const q = query[i];
      const v = vectors[r * dim + i];
      d += q * v;
      qq += q * q;
      vv += v * v;
    }
    out[r] = d / (Math.sqrt(qq) * Math.sqrt(vv));
  }
  return out;
}

/** Largest |gpu - ref| relative to max(1, |ref|). */
export function maxError(gpu: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(gpu[i] - ref[i]) / Math.max(1, Math.abs(ref[i])));
  return worst;
}
