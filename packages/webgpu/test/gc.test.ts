import { expect } from 'chai';
import { Telemetry } from '@rx-telemetry/core';
import { gpuInstances } from '../src/gpu-instance.js';
import type { InstrumentedDevice } from '../src/index.js';
import { GpuSteps, VECTOR_ADD_WGSL, deviceOrSkip } from './support.js';

// webgpu 0.6.2 frees the object returned by create() under Dawn when it is collected, and the
// process later crashes or hangs. The package keeps it in module scope; this forces GC between
// dispatches and device creations to keep that fix from regressing.
describe('garbage collection between dispatches (webgpu 0.6.2 create() bug)', function () {
  const gc = (globalThis as { gc?: () => void }).gc;
  let gpu: InstrumentedDevice;

  before(async function () {
    if (gc === undefined) throw new Error('run mocha with --expose-gc (.mocharc.json node-option)');
    gpu = await deviceOrSkip(this, new Telemetry());
  });
  after(() => gpu?.destroy());

  /** a + a on the device, through a pipeline, buffers and a readback made for this call. */
  async function doubled(steps: GpuSteps, a: Float32Array): Promise<Float32Array> {
    const pipeline = await steps.pipeline('vector_add', VECTOR_ADD_WGSL);
    const input = steps.upload(a);
    const out = steps.buffer(a.byteLength);
    await steps.dispatch(pipeline, [input, input, out, steps.size(a.length)], [Math.ceil(a.length / 256)]);
    return new Float32Array(await steps.read(out));
  }

  it('keeps the Dawn instance reachable and dispatching correctly across forced collections', async function () {
    const before = gpuInstances();
    const steps = new GpuSteps(gpu);
    const a = Float32Array.from({ length: 1000 }, (_, i) => i);
    for (let round = 0; round < 10; round++) {
      gc!();
      const out = await doubled(steps, a);
      expect(out[999], `round ${round}`).to.equal(1998);
    }
    gc!();
    expect(gpuInstances()).to.deep.equal(before);
    expect(before.length).to.be.above(0);
  });

  it('creates and stops devices across forced collections', async function () {
    for (let i = 0; i < 3; i++) {
      gc!();
      const other = await deviceOrSkip(this, new Telemetry());
      const out = await doubled(new GpuSteps(other), Float32Array.of(1, 2));
      expect(Array.from(out)).to.deep.equal([2, 4]);
      await other.stop();
    }
  });
});
