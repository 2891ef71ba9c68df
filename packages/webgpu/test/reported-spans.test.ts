import { expect } from 'chai';
import { Telemetry, type SpanContextInfo, type SpanEndInfo } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import type { InstrumentedDevice } from '../src/index.js';
import { GpuSteps, deviceOrSkip, spanEvents } from './support.js';

const N = 4096;

// A span-context hook (the OTel bridge, for one) hears about the device's hand-made spans through
// onStart/onEnd, with or without event handlers attached.
describe('spans reported to span-context hooks', function () {
  let telemetry: Telemetry;
  let gpu: InstrumentedDevice;
  let steps: GpuSteps;
  let starts: SpanContextInfo[];
  let ends: SpanEndInfo[];
  let wrapped: SpanContextInfo[];

  beforeEach(async function () {
    telemetry = new Telemetry();
    starts = [];
    ends = [];
    wrapped = [];
    telemetry.bindSpanContext((span, fn) => (wrapped.push(span), fn()), { onStart: (s) => starts.push(s), onEnd: (e) => ends.push(e) });
    gpu = await deviceOrSkip(this, telemetry, { deviceId: 'hooked-gpu' });
    steps = new GpuSteps(gpu);
  });
  afterEach(() => gpu?.destroy());

  async function run(): Promise<void> {
    await steps.vectorAdd(N);
  }

  it('reports compile and dispatch spans with no event handler attached', async () => {
    await run();
    const names = starts.map((s) => s.prefix.join('.'));
    expect(names).to.include.members(['compute.kernel.compile', 'compute.kernel.dispatch']);
    expect(ends.map((e) => e.spanId).sort()).to.deep.equal(starts.map((s) => s.spanId).sort());
  });

  it('reports the dispatch end with the stop event duration and category', async () => {
    const seen = recordEvents(telemetry, spanEvents('compute.kernel.dispatch'));
    await run();
    const stop = seen.find((e) => e.event === 'compute.kernel.dispatch.stop')!;
    const end = ends.find((e) => e.spanId === stop.metadata.spanId)!;
    expect([end.duration, end.monotonicTime, end.failed, end.metadata?.category]).to.deep.equal([
      stop.measurements.duration,
      stop.measurements.monotonicTime,
      false,
      stop.metadata.category,
    ]);
  });

  it('gives a dispatch inside a core span that span as parent', async () => {
    await telemetry.span(['job'], {}, () => run());
    // core span() callbacks go through the hook itself; only hand-made spans use onStart.
    const job = wrapped.find((s) => s.prefix.join('.') === 'job')!;
    const dispatch = starts.find((s) => s.prefix.join('.') === 'compute.kernel.dispatch')!;
    expect(dispatch.parentSpanId).to.equal(job.spanId);
  });
});
