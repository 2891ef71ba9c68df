import { expect } from 'chai';
import { Telemetry, withCorrelation } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { BufferUsage, ShaderCompilationError, instrument, type InstrumentedDevice, type Work } from '../src/index.js';
import { GpuSteps, VECTOR_ADD_WGSL, deviceOrSkip, spanEvents, until } from './support.js';

const N = 4096;

describe('events of an instrumented device', function () {
  let telemetry: Telemetry;
  let gpu: InstrumentedDevice;
  let steps: GpuSteps;

  beforeEach(async function () {
    telemetry = new Telemetry();
    gpu = await deviceOrSkip(this, telemetry, { deviceId: 'test-gpu' });
    steps = new GpuSteps(gpu);
  });
  afterEach(() => gpu?.destroy());

  async function addKernelRun(work?: Work) {
    return { result: await steps.vectorAdd(N, work) };
  }

  it('dispatch start/stop carry kernel, device, workgroups, category, span ids and the correlation id', async function () {
    const seen = recordEvents(telemetry, spanEvents('compute.kernel.dispatch'));
    const { result } = await withCorrelation('req-7', () => addKernelRun({ ops: N, bytes: 12 * N }));
    const [start, stop] = seen;
    expect(seen.map((e) => e.event)).to.deep.equal(['compute.kernel.dispatch.start', 'compute.kernel.dispatch.stop']);
    expect(start.metadata).to.include({ kernel: 'vector_add', device: 'test-gpu', correlationId: 'req-7' });
    expect(start.metadata.workgroups).to.deep.equal([N / 256, 1, 1]);
    expect(stop.metadata.spanId).to.be.a('number').and.equal(start.metadata.spanId);
    expect(stop.metadata.category).to.be.oneOf(['fast', 'normal', 'slow', 'very_slow']);
    expect(stop.measurements.duration).to.equal(result.duration).and.be.above(0);
    expect(stop.measurements.opsPerSecond).to.be.above(0);
    expect(stop.measurements.bandwidthBytesPerSecond).to.be.closeTo(12 * stop.measurements.opsPerSecond!, 1e-3 * stop.measurements.bandwidthBytesPerSecond!);
  });

  it("a dispatch inside a core span carries that span's id as parentSpanId", async function () {
    const seen = recordEvents(telemetry, [
      ['job', 'start'],
      ['compute', 'kernel', 'dispatch', 'start'],
    ]);
    await telemetry.span(['job'], {}, () => addKernelRun());
    const job = seen.find((e) => e.event === 'job.start')!;
    const dispatch = seen.find((e) => e.event === 'compute.kernel.dispatch.start')!;
    expect(dispatch.metadata.parentSpanId).to.equal(job.metadata.spanId);
    expect(dispatch.metadata.spanId).to.not.equal(job.metadata.spanId);
  });

  it('gpuDuration from timestamp queries is positive and never exceeds the CPU-side duration', async function () {
    if (!gpu.timestamps) this.skip();
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    for (let i = 0; i < 3; i++) await addKernelRun();
    expect(seen).to.have.length(3);
    for (const e of seen) {
      expect(e.measurements.gpuDuration).to.be.above(0);
      expect(e.measurements.gpuDuration).to.be.at.most(e.measurements.duration);
    }
  });

  it('the category follows the duration: fast < 1 ms, normal < 10 ms, slow < 100 ms', async function () {
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    await addKernelRun();
    const { duration } = seen[0].measurements;
    const expected = duration < 1e6 ? 'fast' : duration < 1e7 ? 'normal' : duration < 1e8 ? 'slow' : 'very_slow';
    expect(seen[0].metadata.category).to.equal(expected);
  });

  it('transfer events report exact bytes for writeBuffer, copyBufferToBuffer and mapAsync reads', async function () {
    const seen = recordEvents(telemetry, [['compute', 'memory', 'transfer', 'stop']]);
    const data = new Float32Array(1000).fill(3);
    const buf = steps.upload(data);
    await steps.read(buf, 4 * 600);
    await until(() => seen.length === 3, 'three transfers');
    const byDirection = Object.fromEntries(seen.map((e) => [e.metadata.direction, e.measurements.bytes]));
    expect(byDirection).to.deep.equal({ host_to_device: 4000, device_to_device: 2400, device_to_host: 2400 });
    for (const e of seen) expect(e.measurements.duration).to.be.at.least(0);
  });

  it('a mapAsync read that fails ends its transfer with an exception event carrying the bytes', async function () {
    const seen = recordEvents(telemetry, spanEvents('compute.memory.transfer'));
    const staging = gpu.device.createBuffer({ size: 64, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    staging.destroy();
    gpu.device.onuncapturederror = (event) => event.preventDefault();
    let rejected: unknown;
    await staging.mapAsync(1).catch((e: unknown) => (rejected = e));
    expect(rejected).to.be.instanceOf(Error);
    expect(seen.map((e) => e.event)).to.deep.equal(['compute.memory.transfer.start', 'compute.memory.transfer.exception']);
    expect(seen[1].metadata).to.include({ direction: 'device_to_host', kind: 'error', reason: rejected });
    expect(seen[1].measurements.bytes).to.equal(64);
  });

  it('writeBuffer with a typed-array element offset and size counts bytes, not elements', async function () {
    const seen = recordEvents(telemetry, [['compute', 'memory', 'transfer', 'stop']]);
    const buf = steps.buffer(64);
    gpu.device.queue.writeBuffer(buf, 0, new Uint32Array(16), 4, 8);
    expect(seen[0].measurements.bytes).to.equal(32);
  });

  it('allocate and free events balance and memory() returns to zero after destroy()', async function () {
    const seen = recordEvents(telemetry, [
      ['compute', 'memory', 'allocate'],
      ['compute', 'memory', 'free'],
    ]);
    const a = steps.buffer(1024, BufferUsage.STORAGE, 'weights');
    steps.buffer(4096);
    expect(gpu.memory()).to.deep.equal({ liveBytes: 5120, peakBytes: 5120, buffers: 2 });
    a.destroy();
    a.destroy();
    expect(gpu.memory()).to.include({ liveBytes: 4096, buffers: 1 });
    expect(seen[0].metadata).to.include({ device: 'test-gpu', usage: 'storage', label: 'weights' });
    gpu.destroy();
    expect(gpu.memory()).to.deep.equal({ liveBytes: 0, peakBytes: 5120, buffers: 0 });
    const sum = (name: string) => seen.filter((e) => e.event === name).reduce((s, e) => s + e.measurements.bytes, 0);
    expect(sum('compute.memory.free')).to.equal(sum('compute.memory.allocate'));
  });

  it('compile start/stop surround async pipeline creation', async function () {
    const seen = recordEvents(telemetry, spanEvents('compute.kernel.compile'));
    await steps.pipeline('vector_add', VECTOR_ADD_WGSL);
    expect(seen.map((e) => e.event)).to.deep.equal(['compute.kernel.compile.start', 'compute.kernel.compile.stop']);
    expect(seen[1].metadata).to.include({ kernel: 'vector_add', device: 'test-gpu' });
    expect(seen[1].measurements.duration).to.be.above(0);
  });

  it('invalid WGSL gives a compile exception with the WGSL messages and a device error, and the device keeps working', async function () {
    const seen = recordEvents(telemetry, [...spanEvents('compute.kernel.compile'), ['compute', 'device', 'error']]);
    const device = gpu.device;
    device.onuncapturederror = (event) => event.preventDefault(); // keeps Dawn from printing it
    const module = device.createShaderModule({ code: 'fn main( {' });
    device.createComputePipeline({ label: 'broken', layout: 'auto', compute: { module, entryPoint: 'main' } });
    await until(() => seen.some((e) => e.event === 'compute.kernel.compile.exception'), 'the compile exception');
    const exception = seen.find((e) => e.event === 'compute.kernel.compile.exception')!;
    expect(exception.metadata.kernel).to.equal('broken');
    expect(exception.metadata.reason).to.be.instanceOf(ShaderCompilationError);
    const messages = exception.metadata.messages as { type: string; message: string }[];
    expect(messages.some((m) => m.type === 'error' && /expected/.test(m.message))).to.equal(true);
    await until(() => seen.some((e) => e.event === 'compute.device.error'), 'the device error');
    const error = seen.find((e) => e.event === 'compute.device.error')!;
    expect(error.metadata).to.include({ device: 'test-gpu', type: 'validation' });
    expect(error.measurements.count).to.equal(1);
    const { result } = await addKernelRun();
    expect(result.duration).to.be.above(0);
  });

  it('a rejected async pipeline gives a compile exception', async function () {
    const seen = recordEvents(telemetry, spanEvents('compute.kernel.compile'));
    gpu.device.onuncapturederror = (event) => event.preventDefault();
    let rejected: unknown;
    await steps.pipeline('bad', '@compute @workgroup_size(1) fn main() { let x: u32 = 1.5; }').catch((e: unknown) => (rejected = e));
    expect(rejected).to.have.property('message').that.is.a('string');
    expect(seen.map((e) => e.event)).to.deep.equal(['compute.kernel.compile.start', 'compute.kernel.compile.exception']);
    expect(seen[1].metadata.reason).to.equal(rejected);
    expect((seen[1].metadata.messages as unknown[]).length).to.be.above(0);
  });

  it("errors popped from the user's error scope are reported and still returned to the user", async function () {
    const seen = recordEvents(telemetry, [['compute', 'device', 'error']]);
    gpu.device.pushErrorScope('validation');
    gpu.device.createBuffer({ size: 16, usage: 0xffff });
    const error = await gpu.device.popErrorScope();
    expect(error?.message).to.be.a('string');
    expect(seen).to.have.length(1);
    expect(seen[0].metadata).to.include({ type: 'validation', message: error!.message });
  });

  it("the user's own onuncapturederror still runs beside the device error event", async function () {
    const seen = recordEvents(telemetry, [['compute', 'device', 'error']]);
    const mine: string[] = [];
    gpu.device.onuncapturederror = (event) => {
      mine.push(event.error.message);
      event.preventDefault();
    };
    gpu.device.createBuffer({ size: 16, usage: 0xffff });
    await until(() => mine.length === 1 && seen.length === 1, 'both error receivers');
    expect(seen[0].metadata.message).to.equal(mine[0]);
  });

  it('uncaptured out-of-memory and internal errors are reported with those types', async function () {
    const { globals } = (await import('webgpu')) as unknown as {
      globals: {
        GPUOutOfMemoryError: new (message: string) => GPUError;
        GPUInternalError: new (message: string) => GPUError;
        GPUUncapturedErrorEvent: new (type: string, init: { error: GPUError }) => Event;
      };
    };
    const seen = recordEvents(telemetry, [['compute', 'device', 'error']]);
    gpu.device.dispatchEvent(new globals.GPUUncapturedErrorEvent('uncapturederror', { error: new globals.GPUOutOfMemoryError('no room') }));
    gpu.device.dispatchEvent(new globals.GPUUncapturedErrorEvent('uncapturederror', { error: new globals.GPUInternalError('broken') }));
    await until(() => seen.length === 2, 'two device errors');
    expect(seen.map((e) => [e.metadata.type, e.metadata.message])).to.deep.equal([
      ['out-of-memory', 'no room'],
      ['internal', 'broken'],
    ]);
  });

  it('destroy() emits the lost event with reason destroyed', async function () {
    const seen = recordEvents(telemetry, [['compute', 'device', 'lost']]);
    gpu.destroy();
    await until(() => seen.length === 1, 'the lost event');
    expect(seen[0].metadata).to.include({ device: 'test-gpu', reason: 'destroyed' });
  });

  it('work encoded while nobody listens is not recorded: a listener attached before submit sees no dispatch', async function () {
    const pipeline = await steps.pipeline('vector_add', VECTOR_ADD_WGSL);
    const bufs = [steps.buffer(4 * N), steps.buffer(4 * N), steps.buffer(4 * N), steps.size(N)];
    const device = gpu.device;
    const encode = () => {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, steps.bindGroup(pipeline, bufs));
      pass.dispatchWorkgroups(N / 256);
      pass.end();
      return encoder.finish();
    };
    const quiet = encode();
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    const observed = encode();
    // quiet goes first: had it been recorded, its stop could not come after observed's.
    device.queue.submit([quiet]);
    device.queue.submit([observed]);
    await device.queue.onSubmittedWorkDone();
    await until(() => seen.length >= 1, "the observed dispatch's stop");
    expect(seen).to.have.length(1);
    expect(seen[0].metadata.kernel).to.equal('vector_add');
  });

  it('instrumenting the same device twice is refused with a clear error', async function () {
    expect(() => instrument(telemetry, gpu.device)).to.throw(/already instrumented/);
  });
});
