import { expect } from 'chai';
import { Telemetry, type EventName } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { instrument, type InstrumentedDevice } from '../src/index.js';
import { GpuSteps, VECTOR_ADD_WGSL, adapterOrSkip, deviceOrSkip, spanEvents } from './support.js';

const N = 4096;

/** Every event an instrumented device emits. */
const ALL: EventName[] = [
  ...spanEvents('compute.kernel.compile'),
  ...spanEvents('compute.kernel.dispatch'),
  ...spanEvents('compute.memory.transfer'),
  ['compute', 'memory', 'allocate'],
  ['compute', 'memory', 'free'],
  ['compute', 'device', 'error'],
  ['compute', 'device', 'lost'],
];

/** One vector-add dispatch encoded as plain WebGPU code and submitted, not awaited. */
async function submitVectorAdd(steps: GpuSteps): Promise<void> {
  const pipeline = await steps.pipeline('vector_add', VECTOR_ADD_WGSL);
  const bindGroup = steps.bindGroup(pipeline, [steps.buffer(4 * N), steps.buffer(4 * N), steps.buffer(4 * N), steps.size(N)]);
  const device = steps.gpu.device;
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(N / 256);
  pass.end();
  device.queue.submit([encoder.finish()]);
}

describe('stopping a device from requestInstrumentedDevice', function () {
  let telemetry: Telemetry;
  let gpu: InstrumentedDevice;

  beforeEach(async function () {
    telemetry = new Telemetry();
    gpu = await deviceOrSkip(this, telemetry, { deviceId: 'owned-gpu' });
  });
  afterEach(() => gpu?.stop());

  it('lets submitted work finish and end its span, then reports the buffers freed and the device lost', async function () {
    const steps = new GpuSteps(gpu);
    const seen = recordEvents(telemetry, ALL);
    await submitVectorAdd(steps);
    await gpu.stop();
    const names = seen.map((e) => e.event);
    expect(names.filter((n) => n.startsWith('compute.kernel.dispatch'))).to.deep.equal(['compute.kernel.dispatch.start', 'compute.kernel.dispatch.stop']);
    const frees = seen.filter((e) => e.event === 'compute.memory.free');
    expect(frees.map((e) => e.metadata.reason)).to.deep.equal(['device_destroyed', 'device_destroyed', 'device_destroyed', 'device_destroyed']);
    expect(names.indexOf('compute.kernel.dispatch.stop')).to.be.below(names.indexOf('compute.memory.free'));
    expect(names.at(-1)).to.equal('compute.device.lost');
    expect(seen.at(-1)!.metadata).to.include({ device: 'owned-gpu', reason: 'destroyed' });
    expect(gpu.memory().liveBytes).to.equal(0);
  });

  it('waits for a pipeline compiling when it is called and ends its compile span', async function () {
    const seen = recordEvents(telemetry, spanEvents('compute.kernel.compile'));
    const compiling = new GpuSteps(gpu).pipeline('vector_add', VECTOR_ADD_WGSL);
    await gpu.stop();
    expect(seen.map((e) => e.event)).to.deep.equal(['compute.kernel.compile.start', 'compute.kernel.compile.stop']);
    await compiling;
  });

  it('lets a timed dispatch in flight resolve with its timing', async function () {
    const steps = new GpuSteps(gpu);
    const pipeline = await steps.pipeline('vector_add', VECTOR_ADD_WGSL);
    const running = steps.dispatch(pipeline, [steps.buffer(4 * N), steps.buffer(4 * N), steps.buffer(4 * N), steps.size(N)], [N / 256]);
    const stopped = gpu.stop();
    expect((await running).duration).to.be.above(0);
    await stopped;
  });

  it('is idempotent: every call returns the same promise and the device is lost once', async function () {
    const lost = recordEvents(telemetry, [['compute', 'device', 'lost']]);
    const first = gpu.stop();
    expect(gpu.stop()).to.equal(first);
    await first;
    await gpu.stop();
    expect(lost).to.have.length(1);
  });

  it('is run by telemetry.shutdown()', async function () {
    const lost = recordEvents(telemetry, [['compute', 'device', 'lost']]);
    const report = await telemetry.shutdown();
    expect(report.stopped).to.include('webgpu:owned-gpu');
    expect(lost).to.have.length(1);
  });

  it('resolves on a device already destroyed, the lost event reported once', async function () {
    const lost = recordEvents(telemetry, [['compute', 'device', 'lost']]);
    await submitVectorAdd(new GpuSteps(gpu));
    gpu.destroy();
    await gpu.stop();
    expect(lost).to.have.length(1);
  });

  it('leaves nothing emitted afterwards', async function () {
    await gpu.stop();
    const seen = recordEvents(telemetry, ALL);
    gpu.device.createBuffer({ size: 16, usage: 0x80 }).destroy();
    expect(seen).to.deep.equal([]);
  });
});

describe("stopping a caller's own device given to instrument()", function () {
  let telemetry: Telemetry;
  let device: GPUDevice;

  beforeEach(async function () {
    telemetry = new Telemetry();
    device = await (await adapterOrSkip(this)).requestDevice();
  });
  afterEach(() => device?.destroy());

  it('gives the device and its queue their own methods back', async function () {
    const gpu = instrument(telemetry, device);
    expect(Object.hasOwn(device, 'createBuffer')).to.equal(true);
    await gpu.stop();
    for (const key of ['createBuffer', 'createCommandEncoder', 'createComputePipeline', 'createComputePipelineAsync', 'popErrorScope', 'destroy']) {
      expect(Object.hasOwn(device, key), key).to.equal(false);
    }
    for (const key of ['submit', 'writeBuffer', 'onSubmittedWorkDone']) expect(Object.hasOwn(device.queue, key), key).to.equal(false);
  });

  it('leaves the device working and silent: its buffers, work and errors emit nothing more', async function () {
    const gpu = instrument(telemetry, device, { deviceId: 'mine' });
    const steps = new GpuSteps(gpu);
    const early = steps.upload(Float32Array.of(1, 2, 3, 4));
    await gpu.stop();
    const seen = recordEvents(telemetry, ALL);
    device.onuncapturederror = (event) => event.preventDefault();
    device.createBuffer({ size: 16, usage: 0xffff }); // a validation error
    early.destroy();
    const out = new Float32Array(await steps.read(steps.upload(Float32Array.of(5, 6))));
    await device.queue.onSubmittedWorkDone();
    expect(Array.from(out)).to.deep.equal([5, 6]);
    expect(seen).to.deep.equal([]);
  });

  it('lets the device be instrumented again', async function () {
    await instrument(telemetry, device).stop();
    const again = instrument(telemetry, device, { deviceId: 'again' });
    const seen = recordEvents(telemetry, [['compute', 'memory', 'allocate']]);
    device.createBuffer({ size: 16, usage: 0x80 });
    expect(seen.map((e) => e.metadata.device)).to.deep.equal(['again']);
    await again.stop();
  });

  it('keeps a method someone wrapped after instrumenting, passing calls through', async function () {
    const gpu = instrument(telemetry, device);
    const ours = device.createBuffer;
    const calls: number[] = [];
    device.createBuffer = function (descriptor: GPUBufferDescriptor) {
      calls.push(descriptor.size);
      return ours.call(device, descriptor);
    };
    await gpu.stop();
    const seen = recordEvents(telemetry, [['compute', 'memory', 'allocate']]);
    device.createBuffer({ size: 32, usage: 0x80 });
    expect(calls).to.deep.equal([32]);
    expect(seen).to.deep.equal([]);
  });
});
