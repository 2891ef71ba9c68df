import { expect } from 'chai';
import { Telemetry } from '@rx-telemetry/core';
import type { InstrumentedDevice } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { deviceOrSkip, until } from './support.js';

// Written against a plain GPUDevice, as any WebGPU program would be: it knows nothing of
// rx-telemetry. Usage/map constants are the spec's numbers (Node has no GPUBufferUsage global).
async function doubleOnGpu(device: GPUDevice, input: Float32Array): Promise<Float32Array> {
  const STORAGE = 0x80, COPY_SRC = 0x04, COPY_DST = 0x08, MAP_READ = 0x01;
  const module = device.createShaderModule({
    code: `@group(0) @binding(0) var<storage, read_write> data: array<f32>;
           @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3<u32>) {
             if (id.x < arrayLength(&data)) { data[id.x] = data[id.x] * 2.0; }
           }`,
  });
  const pipeline = device.createComputePipeline({ label: 'double', layout: 'auto', compute: { module, entryPoint: 'main' } });
  const data = device.createBuffer({ size: input.byteLength, usage: STORAGE | COPY_SRC | COPY_DST });
  const readback = device.createBuffer({ size: input.byteLength, usage: MAP_READ | COPY_DST });
  device.queue.writeBuffer(data, 0, input);
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: data } }] }));
  pass.dispatchWorkgroups(Math.ceil(input.length / 64));
  pass.end();
  encoder.copyBufferToBuffer(data, 0, readback, 0, input.byteLength);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(1);
  const out = new Float32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  data.destroy();
  readback.destroy();
  return out;
}

describe('unmodified WebGPU code on an instrumented device', function () {
  let telemetry: Telemetry;
  let gpu: InstrumentedDevice;

  beforeEach(async function () {
    telemetry = new Telemetry();
    gpu = await deviceOrSkip(this, telemetry);
  });
  afterEach(() => gpu?.destroy());

  it('computes the same result as without listeners', async function () {
    const input = Float32Array.from({ length: 300 }, (_, i) => i - 150);
    const quiet = await doubleOnGpu(gpu.device, input);
    recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    const observed = await doubleOnGpu(gpu.device, input);
    expect(Array.from(observed)).to.deep.equal(Array.from(input, (x) => 2 * x));
    expect(Array.from(quiet)).to.deep.equal(Array.from(observed));
  });

  it('emits compile, dispatch, transfer and memory events for it', async function () {
    const seen = recordEvents(telemetry, [
      ['compute', 'kernel', 'compile', 'stop'],
      ['compute', 'kernel', 'dispatch', 'stop'],
      ['compute', 'memory', 'transfer', 'stop'],
      ['compute', 'memory', 'allocate'],
      ['compute', 'memory', 'free'],
    ]);
    await doubleOnGpu(gpu.device, new Float32Array(300));
    await until(() => seen.filter((e) => e.event === 'compute.memory.transfer.stop').length === 3, 'three transfers');
    await until(() => seen.some((e) => e.event === 'compute.kernel.compile.stop'), 'the compile stop');
    const dispatch = seen.find((e) => e.event === 'compute.kernel.dispatch.stop')!;
    expect(dispatch.metadata).to.include({ kernel: 'double' });
    expect(dispatch.metadata.workgroups).to.deep.equal([5, 1, 1]);
    const transfers = seen.filter((e) => e.event === 'compute.memory.transfer.stop').map((e) => [e.metadata.direction, e.measurements.bytes]);
    expect(transfers).to.have.deep.members([
      ['host_to_device', 1200],
      ['device_to_device', 1200],
      ['device_to_host', 1200],
    ]);
    expect(seen.filter((e) => e.event === 'compute.memory.allocate')).to.have.length(2);
    expect(seen.filter((e) => e.event === 'compute.memory.free')).to.have.length(2);
    expect(gpu.memory().liveBytes).to.equal(0);
  });
});
