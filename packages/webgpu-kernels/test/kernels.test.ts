import { expect } from 'chai';
import fc from 'fast-check';
import { Telemetry } from '@rx-telemetry/core';
import type { InstrumentedDevice } from '@rx-telemetry/webgpu';
import { ComputeBackend, hdcBind, hdcBundle, hdcCosine, matmul, reduceSum, vectorAdd } from '../src/index.js';
import { addRef, bindRef, bundleRef, cosineRef, matmulRef, maxError, sumRef } from './cpu-reference.js';
import { deviceOrSkip, randomBipolar, randomFloats } from './support.js';

describe('kernels against CPU references', function () {
  let gpu: InstrumentedDevice;
  let backend: ComputeBackend;

  before(async function () {
    gpu = await deviceOrSkip(this, new Telemetry());
    backend = new ComputeBackend(gpu);
  });
  after(() => gpu?.stop());

  it('vector add equals a + b for random lengths, including non-multiples of the workgroup size', async function () {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 2 ** 31 }), async (n, seed) => {
        const a = randomFloats(n, seed);
        const b = randomFloats(n, seed + 1);
        expect(maxError(await vectorAdd(backend, a, b), addRef(a, b))).to.be.below(1e-6);
      }),
      { numRuns: 8 },
    );
  });

  it('tiled matmul equals the CPU product for shapes that do not divide the 16x16 tile', async function () {
    for (const [m, k, n] of [
      [1, 1, 1],
      [17, 33, 5],
      [64, 48, 80],
    ]) {
      const a = randomFloats(m * k, m);
      const b = randomFloats(k * n, n);
      expect(maxError(await matmul(backend, a, b, { m, k, n }), matmulRef(a, b, m, k, n)), `${m}x${k}x${n}`).to.be.below(1e-5);
    }
  });

  it('parallel sum over several reduction levels equals the float64 sum within f32 rounding', async function () {
    for (const n of [1, 511, 513, 300_001]) {
      const values = randomFloats(n, n);
      const ref = sumRef(values);
      // f32 tree sums err by about log2(n) ulps of the partial magnitudes.
      expect(Math.abs((await reduceSum(backend, values)) - ref), `n=${n}`).to.be.below(1e-5 * Math.max(1, Math.sqrt(n)));
    }
  });

  it('HDC bind is the elementwise product of bipolar vectors', async function () {
    const a = randomBipolar(10_000, 1);
    const b = randomBipolar(10_000, 2);
    expect(Array.from(await hdcBind(backend, a, b))).to.deep.equal(Array.from(bindRef(a, b)));
  });

  it('HDC bundle is the elementwise majority, ties giving +1', async function () {
    const dim = 1000;
    for (const count of [2, 5]) {
      const vectors = randomBipolar(dim * count, count);
      expect(Array.from(await hdcBundle(backend, vectors, dim)), `count=${count}`).to.deep.equal(Array.from(bundleRef(vectors, dim)));
    }
  });

  it('HDC batched cosine similarity matches the CPU for one query against N hypervectors', async function () {
    const dim = 2048;
    const count = 37;
    const vectors = randomBipolar(dim * count, 7);
    const query = vectors.slice(5 * dim, 6 * dim);
    const sims = await hdcCosine(backend, query, vectors, dim);
    expect(sims).to.have.length(count);
    expect(maxError(sims, cosineRef(query, vectors, dim))).to.be.below(1e-5);
    expect(sims[5]).to.be.closeTo(1, 1e-6);
  });
});
