import { expect } from 'chai';
import { Telemetry } from '@rx-telemetry/core';
import { ComputeBackend, gpuInstances, vectorAdd, type InstrumentedDevice } from '../src/index.js';
import { deviceOrSkip } from './support.js';

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

  it('keeps the Dawn instance reachable and dispatching correctly across forced collections', async function () {
    const before = gpuInstances();
    const backend = new ComputeBackend(gpu);
    const a = Float32Array.from({ length: 1000 }, (_, i) => i);
    for (let round = 0; round < 10; round++) {
      gc!();
      const out = await vectorAdd(backend, a, a);
      expect(out[999], `round ${round}`).to.equal(1998);
    }
    gc!();
    expect(gpuInstances()).to.deep.equal(before);
    expect(before.length).to.be.above(0);
  });

  it('creates and destroys devices across forced collections', async function () {
    for (let i = 0; i < 3; i++) {
      gc!();
      const other = await deviceOrSkip(this, new Telemetry());
      const out = await vectorAdd(new ComputeBackend(other), Float32Array.of(1, 2), Float32Array.of(3, 4));
      expect(Array.from(out)).to.deep.equal([4, 6]);
      other.destroy();
    }
  });
});
