import { expect } from 'chai';
import { Telemetry } from '@rx-telemetry/core';
import { recordEvents, type RecordedEvent } from '@rx-telemetry/devkit/event-recorder';
import { BufferUsage, instrument, requestAdapter, type InstrumentedDevice } from '../src/index.js';
import { GpuSteps, VECTOR_ADD_WGSL, deviceOrSkip, spanEvents, until } from './support.js';

const N = 1024;

// Dispatches recorded from ordinary WebGPU calls: several per pass, several passes per encoder,
// several command buffers per submit, indirect dispatches, and submits nobody waits on.
describe('dispatch recording from user-encoded work', function () {
  let telemetry: Telemetry;
  let gpu: InstrumentedDevice;
  let steps: GpuSteps;
  let pipeline: GPUComputePipeline;
  let bindGroup: GPUBindGroup;

  beforeEach(async function () {
    telemetry = new Telemetry();
    gpu = await deviceOrSkip(this, telemetry, { deviceId: 'rec-gpu' });
    steps = new GpuSteps(gpu);
    pipeline = await steps.pipeline('vector_add', VECTOR_ADD_WGSL);
    bindGroup = steps.bindGroup(pipeline, [steps.buffer(4 * N), steps.buffer(4 * N), steps.buffer(4 * N), steps.size(N)]);
  });
  afterEach(() => gpu?.destroy());

  /** One encoder: `passes[i]` dispatches (their x counts) in pass i. */
  function encode(passes: number[][]): GPUCommandBuffer {
    const encoder = gpu.device.createCommandEncoder();
    for (const dispatches of passes) {
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      for (const x of dispatches) pass.dispatchWorkgroups(x);
      pass.end();
    }
    return encoder.finish();
  }

  const stops = (seen: RecordedEvent[]) => seen.filter((e) => e.event === 'compute.kernel.dispatch.stop');

  it('two dispatches in one pass give two spans with their own ids and workgroups', async function () {
    const seen = recordEvents(telemetry, spanEvents('compute.kernel.dispatch'));
    gpu.device.queue.submit([encode([[1, 2]])]);
    await gpu.device.queue.onSubmittedWorkDone();
    await until(() => stops(seen).length === 2, 'two stops');
    const starts = seen.filter((e) => e.event === 'compute.kernel.dispatch.start');
    expect(starts.map((e) => e.metadata.workgroups)).to.deep.equal([
      [1, 1, 1],
      [2, 1, 1],
    ]);
    expect(new Set(starts.map((e) => e.metadata.spanId)).size).to.equal(2);
    expect(stops(seen).map((e) => e.metadata.spanId)).to.deep.equal(starts.map((e) => e.metadata.spanId));
  });

  it('two dispatches sharing a timed pass carry no gpuDuration (the pass time is not either one\'s)', async function () {
    if (!gpu.timestamps) this.skip();
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    gpu.device.queue.submit([encode([[1, 2]])]);
    await gpu.device.queue.onSubmittedWorkDone();
    await until(() => seen.length === 2, 'two stops');
    for (const e of seen) expect(e.measurements).to.not.have.property('gpuDuration');
  });

  it('dispatches alone in their own passes each carry their own gpuDuration <= duration', async function () {
    if (!gpu.timestamps) this.skip();
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    gpu.device.queue.submit([encode([[1], [N / 256], [2, 3]])]);
    await gpu.device.queue.onSubmittedWorkDone();
    await until(() => seen.length === 4, 'four stops');
    expect(seen.map((e) => e.metadata.workgroups)).to.deep.equal([
      [1, 1, 1],
      [N / 256, 1, 1],
      [2, 1, 1],
      [3, 1, 1],
    ]);
    for (const e of seen.slice(0, 2)) {
      expect(e.measurements.gpuDuration).to.be.above(0);
      expect(e.measurements.gpuDuration).to.be.at.most(e.measurements.duration);
    }
    // The third pass held two dispatches: no single-dispatch GPU time for them.
    for (const e of seen.slice(2)) expect(e.measurements).to.not.have.property('gpuDuration');
  });

  it('several command buffers in one submit stop once each, in submit order', async function () {
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    gpu.device.queue.submit([encode([[1]]), encode([[2]]), encode([[3]])]);
    await gpu.device.queue.onSubmittedWorkDone();
    await until(() => seen.length === 3, 'three stops');
    expect(seen.map((e) => (e.metadata.workgroups as number[])[0])).to.deep.equal([1, 2, 3]);
    expect(seen.every((e) => e.metadata.kernel === 'vector_add' && e.metadata.device === 'rec-gpu')).to.equal(true);
  });

  it('twenty submits, each with its own onSubmittedWorkDone awaited together, stop once each in submit order', async function () {
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    const waits: Promise<undefined>[] = [];
    for (let i = 1; i <= 20; i++) {
      gpu.device.queue.submit([encode([[i]])]);
      waits.push(gpu.device.queue.onSubmittedWorkDone());
    }
    await Promise.all(waits);
    await until(() => seen.length === 20, 'twenty stops');
    expect(seen.map((e) => (e.metadata.workgroups as number[])[0])).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  for (const timed of [false, true]) {
    it(`a stop handler that encodes and submits the next dispatch: every dispatch stops once with its own workgroups (records are reused; timestamps ${timed})`, async function () {
      const bus = new Telemetry();
      const own = await deviceOrSkip(this, bus, { deviceId: 'chain', timestamps: timed && gpu.timestamps });
      try {
        const s = new GpuSteps(own);
        const p = await s.pipeline('vector_add', VECTOR_ADD_WGSL);
        const bg = s.bindGroup(p, [s.buffer(4 * N), s.buffer(4 * N), s.buffer(4 * N), s.size(N)]);
        const submit = (xs: number[]): void => {
          const encoder = own.device.createCommandEncoder();
          for (const x of xs) {
            const pass = encoder.beginComputePass();
            pass.setPipeline(p);
            pass.setBindGroup(0, bg);
            pass.dispatchWorkgroups(x);
            pass.end();
          }
          own.device.queue.submit([encoder.finish()]);
        };
        const seen = recordEvents(bus, [['compute', 'kernel', 'dispatch', 'stop']]);
        let next = 2;
        // Runs inside the completion reaction (or the timestamp read), while the stopped record becomes the spare one.
        bus.attach('chain', ['compute', 'kernel', 'dispatch', 'stop'], () => {
          if (next <= 4) submit([next, 10 + next++]);
        });
        submit([1, 10]);
        await until(() => seen.length === 8, 'eight stops');
        expect(seen.map((e) => (e.metadata.workgroups as number[])[0])).to.deep.equal([1, 10, 2, 12, 3, 13, 4, 14]);
        expect(new Set(seen.map((e) => e.metadata.spanId)).size).to.equal(8);
      } finally {
        own.destroy();
      }
    });
  }

  it('a submit nobody waits on still stops its dispatch (the package waits for it)', async function () {
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    gpu.device.queue.submit([encode([[4]])]);
    await until(() => seen.length === 1, 'the stop of an unwaited submit');
    expect(seen[0].metadata.workgroups).to.deep.equal([4, 1, 1]);
    expect(seen[0].measurements.duration).to.be.above(0);
  });

  it('an indirect dispatch is recorded with workgroups undefined', async function () {
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    const args = gpu.device.createBuffer({ size: 12, usage: BufferUsage.INDIRECT | BufferUsage.COPY_DST });
    gpu.device.queue.writeBuffer(args, 0, Uint32Array.of(2, 1, 1));
    const encoder = gpu.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroupsIndirect(args, 0);
    pass.end();
    gpu.device.queue.submit([encoder.finish()]);
    await gpu.device.queue.onSubmittedWorkDone();
    await until(() => seen.length === 1, 'the indirect stop');
    expect(seen[0].metadata).to.have.property('workgroups', undefined);
    expect(seen[0].metadata.kernel).to.equal('vector_add');
  });

  it("the caller's own timestampWrites are kept and not read as gpuDuration", async function () {
    if (!gpu.timestamps) this.skip();
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    const querySet = gpu.device.createQuerySet({ type: 'timestamp', count: 2 });
    const resolve = gpu.device.createBuffer({ size: 16, usage: BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC });
    const encoder = gpu.device.createCommandEncoder();
    const pass = encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.resolveQuerySet(querySet, 0, 2, resolve, 0);
    gpu.device.queue.submit([encoder.finish()]);
    const ticks = new BigUint64Array(await steps.read(resolve, 16));
    await until(() => seen.length === 1, 'the stop');
    expect(ticks[1] >= ticks[0] && ticks[1] > 0n).to.equal(true);
    expect(seen[0].measurements).to.not.have.property('gpuDuration');
  });

  it('a submit Dawn rejects ends its recorded dispatch with an exception event carrying the error', async function () {
    const seen = recordEvents(telemetry, spanEvents('compute.kernel.dispatch'));
    const recorded = encode([[2]]);
    let thrown: unknown;
    try {
      gpu.device.queue.submit([recorded, {} as GPUCommandBuffer]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(TypeError);
    expect(seen.map((e) => e.event)).to.deep.equal(['compute.kernel.dispatch.start', 'compute.kernel.dispatch.exception']);
    const exception = seen[1];
    expect(exception.metadata).to.include({ kernel: 'vector_add', device: 'rec-gpu', kind: 'error', reason: thrown });
    expect(exception.metadata.spanId).to.equal(seen[0].metadata.spanId);
    expect(exception.measurements.duration).to.be.at.least(0);
  });

  it('after a rejected submit, later dispatches are recorded and stop normally', async function () {
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    expect(() => gpu.device.queue.submit([encode([[2]]), {} as GPUCommandBuffer])).to.throw(TypeError);
    gpu.device.queue.submit([encode([[1]])]);
    await gpu.device.queue.onSubmittedWorkDone();
    await until(() => seen.length === 1, 'the later dispatch stop');
    expect(seen[0].metadata.workgroups).to.deep.equal([1, 1, 1]);
  });

  it('a dispatch whose device is destroyed before it completes ends with a stop or an exception, never neither', async function () {
    const seen = recordEvents(telemetry, spanEvents('compute.kernel.dispatch'));
    gpu.device.queue.submit([encode([[N / 256]])]);
    gpu.destroy();
    await until(() => seen.some((e) => e.event !== 'compute.kernel.dispatch.start'), 'the end of the dispatch span');
    const ends = seen.filter((e) => e.event !== 'compute.kernel.dispatch.start');
    expect(ends).to.have.length(1);
    expect(ends[0].metadata.spanId).to.equal(seen[0].metadata.spanId);
  });

  it('a timed dispatch whose device is destroyed after the work, before its timestamps are read, ends its span once', async function () {
    if (!gpu.timestamps) this.skip();
    const seen = recordEvents(telemetry, spanEvents('compute.kernel.dispatch'));
    gpu.device.queue.submit([encode([[1]])]);
    await gpu.device.queue.onSubmittedWorkDone();
    // The read starts a turn after the completion: the device goes before it does.
    gpu.destroy();
    await until(() => seen.some((e) => e.event !== 'compute.kernel.dispatch.start'), 'the end of the dispatch span');
    const ends = seen.filter((e) => e.event !== 'compute.kernel.dispatch.start');
    expect(ends).to.have.length(1);
    expect(ends[0].metadata.spanId).to.equal(seen[0].metadata.spanId);
  });

  it('only a start handler attached still gets start events with span ids', async function () {
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'start']]);
    gpu.device.queue.submit([encode([[1]])]);
    await gpu.device.queue.onSubmittedWorkDone();
    expect(seen).to.have.length(1);
    expect(seen[0].metadata.spanId).to.be.a('number').and.above(0);
    expect(seen[0].measurements.monotonicTime).to.be.above(0);
  });
});

describe('device options and bad input', function () {
  let telemetry: Telemetry;
  let gpu: InstrumentedDevice | undefined;
  beforeEach(() => (telemetry = new Telemetry()));
  afterEach(() => gpu?.destroy());

  it('timestamps: false gives dispatches without gpuDuration', async function () {
    gpu = await deviceOrSkip(this, telemetry, { timestamps: false });
    expect(gpu.timestamps).to.equal(false);
    const seen = recordEvents(telemetry, [['compute', 'kernel', 'dispatch', 'stop']]);
    const result = await new GpuSteps(gpu).vectorAdd(16);
    expect(result).to.not.have.property('gpuDuration');
    expect(seen[0].measurements).to.not.have.property('gpuDuration');
    expect(seen[0].measurements.duration).to.equal(result.duration);
  });

  it('info describes the adapter (strings, and fallback true on a CPU adapter)', async function () {
    gpu = await deviceOrSkip(this, telemetry);
    for (const key of ['vendor', 'architecture', 'device', 'description'] as const) expect(gpu.info[key]).to.be.a('string');
    expect(gpu.info.description.length).to.be.above(0);
    expect(gpu.info.fallback).to.be.a('boolean');
    if (/llvmpipe|lavapipe|SwiftShader/i.test(gpu.info.description)) expect(gpu.info.fallback).to.equal(true);
  });

  it('requiredLimits reach the device (a limit above the WebGPU default)', async function () {
    const { adapter } = await requestAdapter().catch(() => ({ adapter: undefined }));
    if (adapter === undefined) return void (await deviceOrSkip(this, telemetry)); // fails in CI, skips elsewhere
    const DEFAULT_MAX_BUFFER_SIZE = 268_435_456;
    const offered = adapter.limits.maxBufferSize;
    if (offered <= DEFAULT_MAX_BUFFER_SIZE) this.skip(); // this adapter offers nothing above the default
    const wanted = Math.min(offered, 2 * DEFAULT_MAX_BUFFER_SIZE);
    gpu = await deviceOrSkip(this, telemetry, { requiredLimits: { maxBufferSize: wanted } });
    expect(gpu.device.limits.maxBufferSize).to.equal(wanted);
  });

  it('instrument() names the bad argument in a TypeError', async function () {
    gpu = await deviceOrSkip(this, telemetry);
    const device = gpu.device;
    expect(() => instrument(null as unknown as Telemetry, device)).to.throw(TypeError, /telemetry must be a Telemetry/);
    expect(() => instrument(telemetry, {} as GPUDevice)).to.throw(TypeError, /device must be a GPUDevice/);
  });

  it('a deviceId that is not a non-empty string is a TypeError', async function () {
    gpu = await deviceOrSkip(this, telemetry); // skips (outside CI) where there is no adapter at all
    const { adapter } = await requestAdapter();
    const device = await adapter.requestDevice();
    try {
      expect(() => instrument(telemetry, device, { deviceId: '' })).to.throw(TypeError, /deviceId must be a non-empty string/);
    } finally {
      device.destroy();
    }
  });
});
