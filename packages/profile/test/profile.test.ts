import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Telemetry, withCorrelation } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { PROFILE_DROPPED_EVENT, profile, type ChromeTrace, type TraceEvent } from '../src/index.js';
import { spanPairs, validateTrace } from './validate.js';

/** A job with overlapping async steps, a nested span, a GPU dispatch opened by hand and a failing step. */
async function job(bus: Telemetry, id: string): Promise<void> {
  await withCorrelation(id, () =>
    bus.span(['job', 'run'], { job: id }, async () => {
      await Promise.all([
        bus.span(['job', 'step'], { step: 'a' }, () => delay(4)),
        bus.span(['job', 'step'], { step: 'b' }, async () => {
          await delay(1);
          await bus.span(['job', 'inner'], {}, () => delay(1));
        }),
      ]);
      const dispatch = bus.startSpan(['compute', 'kernel', 'dispatch'], { kernel: 'matmul', device: 'gpu0', workgroups: [8, 8, 1] });
      await delay(1);
      dispatch.stop({ gpuDuration: 400_000 }, { category: 'normal' });
      await bus.span(['job', 'step'], { step: 'c' }, async () => {
        await delay(1);
        throw new Error('boom');
      }).catch(() => undefined);
    }),
  );
}

const ends = (bus: Telemetry) =>
  recordEvents(bus, [
    ['job', 'run', 'stop'],
    ['job', 'step', 'stop'],
    ['job', 'step', 'exception'],
    ['job', 'inner', 'stop'],
    ['compute', 'kernel', 'dispatch', 'stop'],
  ]);

const named = (trace: ChromeTrace, ph: TraceEvent['ph']) => trace.traceEvents.filter((e) => e.ph === ph);

describe('profile(telemetry, { correlationId })', () => {
  let bus: Telemetry;
  let trace: ChromeTrace;
  let seen: ReturnType<typeof ends>;

  before(async () => {
    bus = new Telemetry();
    seen = ends(bus);
    let memory = 1024;
    const recording = profile(bus, { correlationId: 'job-1', counters: [{ name: 'device memory', device: 'gpu0', read: () => (memory += 512) }] });
    await job(bus, 'job-1');
    await job(bus, 'job-2');
    bus.span(['other'], {}, () => undefined);
    trace = await recording.stop();
  });
  after(() => bus.shutdown());

  it('is structurally valid Chrome Trace Event JSON: phases, µs timestamps in order, every b has its e, children inside parents, no overlapping X on a track', () => {
    validateTrace(trace);
    expect(named(trace, 'b').length).to.equal(named(trace, 'e').length).and.to.be.above(0);
  });

  it('records the spans of that correlation id only, GPU work included', () => {
    const names = named(trace, 'b').map((e) => `${e.name}:${String(e.args?.correlationId)}`).sort();
    expect(names).to.deep.equal([
      'compute.kernel.dispatch:job-1',
      'job.inner:job-1',
      'job.run:job-1',
      'job.step:job-1',
      'job.step:job-1',
      'job.step:job-1',
    ]);
  });

  it("gives each span the duration of its stop or exception event (e.ts - b.ts = duration / 1000 µs)", () => {
    const pairs = spanPairs(trace);
    const mine = seen.filter((e) => e.metadata.correlationId === 'job-1');
    expect(mine).to.have.length(6);
    for (const event of mine) {
      const pair = pairs.get(event.metadata.spanId as number);
      expect(pair, event.event).to.not.equal(undefined);
      expect(pair!.e.ts - pair!.b.ts).to.be.closeTo(event.measurements.duration / 1000, 1e-6);
    }
  });

  it('puts overlapping siblings on different async tracks and a child on its parent’s', () => {
    const bs = named(trace, 'b');
    const a = bs.find((e) => e.args?.step === 'a')!;
    const b = bs.find((e) => e.args?.step === 'b')!;
    const run = bs.find((e) => e.name === 'job.run')!;
    const inner = bs.find((e) => e.name === 'job.inner')!;
    expect([a.id === run.id, b.id === a.id, inner.id === b.id]).to.deep.equal([true, false, true]);
  });

  it("puts a dispatch on its device's kernel track and its GPU time on the device's queue track", () => {
    const threads = new Map(named(trace, 'M').filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}/${e.tid}`, String(e.args?.name)]));
    const processes = new Map(named(trace, 'M').filter((e) => e.name === 'process_name').map((e) => [e.pid, String(e.args?.name)]));
    const xs = named(trace, 'X').map((e) => ({ process: processes.get(e.pid), track: threads.get(`${e.pid}/${e.tid}`), name: e.name, dur: e.dur }));
    const dispatch = seen.find((e) => e.event === 'compute.kernel.dispatch.stop' && e.metadata.correlationId === 'job-1')!;
    expect(xs).to.deep.equal([
      { process: 'gpu0 (device)', track: 'kernel matmul', name: 'matmul', dur: dispatch.measurements.duration / 1000 },
      { process: 'gpu0 (device)', track: 'queue (GPU time)', name: 'matmul', dur: 400 },
    ]);
  });

  it('marks an exception with an instant event and the error on the span’s end', () => {
    const marks = named(trace, 'i');
    expect(marks.map((e) => [e.name, e.args?.reason, e.args?.correlationId])).to.deep.equal([['exception: job.step', 'Error: boom', 'job-1']]);
    const failedEnd = named(trace, 'e').find((e) => e.args?.error !== undefined);
    expect(failedEnd?.args?.error).to.equal('Error: boom');
  });

  it('draws memory as counter events: the heap on the process, device memory on the device', () => {
    const pids = new Map(named(trace, 'M').filter((e) => e.name === 'process_name').map((e) => [String(e.args?.name), e.pid]));
    const counters = named(trace, 'C');
    expect(counters.some((e) => e.name === 'heap used (bytes)' && e.pid === pids.get(`node ${process.pid}`))).to.equal(true);
    const device = counters.filter((e) => e.name === 'device memory');
    expect(device.length).to.be.above(1);
    expect(device.every((e) => e.pid === pids.get('gpu0 (device)'))).to.equal(true);
  });
});

describe('profile(telemetry, { durationMs })', () => {
  it('records every span for the duration, then stops by itself and resolves done', async () => {
    const bus = new Telemetry();
    const recording = profile(bus, { durationMs: 50 });
    await job(bus, 'x');
    bus.span(['plain'], {}, () => undefined);
    const trace = await recording.done;
    validateTrace(trace);
    expect(named(trace, 'b').map((e) => e.name)).to.include.members(['job.run', 'plain']);
    expect(bus.listHandlers().length).to.equal(0);
    await bus.shutdown();
  });

  it('writes the trace to file as JSON', async () => {
    const bus = new Telemetry();
    const file = join(mkdtempSync(join(tmpdir(), 'rx-profile-')), 'trace.json');
    const recording = profile(bus, { file });
    bus.span(['plain'], {}, () => undefined);
    const trace = await recording.stop();
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.deep.equal(JSON.parse(JSON.stringify(trace)));
  });
});

describe('profile lifecycle and bounds', () => {
  it('is stopped by telemetry.shutdown(); a span still open ends there, marked unfinished', async () => {
    const bus = new Telemetry();
    const recording = profile(bus);
    const open = bus.startSpan(['long', 'task'], {});
    const report = await bus.shutdown();
    const trace = await recording.done;
    expect(report.stopped).to.include('profile');
    validateTrace(trace);
    expect(named(trace, 'e').map((e) => [e.name, e.args?.unfinished])).to.deep.equal([['long.task', true]]);
    open.stop();
  });

  it('stop() is idempotent: every call resolves with the same trace', async () => {
    const bus = new Telemetry();
    const recording = profile(bus);
    const [a, b] = await Promise.all([recording.stop(), recording.stop()]);
    expect(a).to.equal(b);
    expect(await recording.done).to.equal(a);
  });

  it('keeps at most maxSpans, counts the rest and reports them once as telemetry.profile.dropped', async () => {
    const bus = new Telemetry();
    const drops = recordEvents(bus, [PROFILE_DROPPED_EVENT]);
    const recording = profile(bus, { maxSpans: 2 });
    for (let i = 0; i < 5; i++) bus.span(['s'], {}, () => undefined);
    const trace = await recording.stop();
    expect([recording.recorded, recording.dropped, trace.otherData.droppedSpans]).to.deep.equal([2, 3, 3]);
    expect(drops.map((e) => e.measurements.spans)).to.deep.equal([3]);
  });

  it('rejects wiring mistakes with a TypeError', () => {
    const bus = new Telemetry();
    expect(() => profile({} as Telemetry)).to.throw(TypeError, /Telemetry/);
    expect(() => profile(bus, { durationMs: -1 })).to.throw(TypeError, /durationMs/);
    expect(() => profile(bus, { counters: [{ name: 'x' } as never] })).to.throw(TypeError, /counters/);
    expect(bus.listHandlers()).to.deep.equal([]);
  });
});
