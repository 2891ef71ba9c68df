import { expect } from 'chai';
import { Telemetry, withCorrelation } from '@rx-telemetry/core';
import { recentTraces } from '../src/index.js';
import { validateTrace } from './validate.js';

const run = (bus: Telemetry, id: string, fail = false) =>
  withCorrelation(id, () =>
    bus.span(['job', 'run'], { id }, async () => {
      await bus.span(['job', 'step'], {}, async () => undefined);
      if (fail) throw new Error(`failed ${id}`);
    }),
  ).catch(() => undefined);

describe('recentTraces(telemetry)', () => {
  it('keeps the spans of the latest correlation ids only, newest first', async () => {
    const bus = new Telemetry();
    const traces = recentTraces(bus, { maxTraces: 2 });
    for (const id of ['a', 'b', 'c']) await run(bus, id);
    expect([traces.ids(), traces.spans('a'), traces.spans('c')?.map((s) => s.name)]).to.deep.equal([['c', 'b'], undefined, ['job.run', 'job.step']]);
    await bus.shutdown();
  });

  it("gives one id's trace as valid Chrome Trace Event JSON", async () => {
    const bus = new Telemetry();
    const traces = recentTraces(bus);
    await run(bus, 'job-9', true);
    const trace = traces.trace('job-9')!;
    validateTrace(trace);
    expect(trace.traceEvents.filter((e) => e.ph === 'b').map((e) => e.name)).to.deep.equal(['job.run', 'job.step']);
    expect(traces.trace('nope')).to.equal(undefined);
    await bus.shutdown();
  });

  it('remembers the latest failed spans, newest first, bounded by maxFailures', async () => {
    const bus = new Telemetry();
    const traces = recentTraces(bus, { maxFailures: 2 });
    for (const id of ['a', 'b', 'c']) await run(bus, id, true);
    expect(traces.failures().map((s) => [s.correlationId, (s.error as Error).message])).to.deep.equal([
      ['c', 'failed c'],
      ['b', 'failed b'],
    ]);
    await bus.shutdown();
  });

  it('counts spans past maxSpansPerTrace as dropped', async () => {
    const bus = new Telemetry();
    const traces = recentTraces(bus, { maxSpansPerTrace: 1 });
    await run(bus, 'a');
    expect([traces.spans('a')?.length, traces.dropped]).to.deep.equal([1, 1]);
    await bus.shutdown();
  });

  it('is stopped by telemetry.shutdown(): unhooked, and holds nothing', async () => {
    const bus = new Telemetry();
    const traces = recentTraces(bus);
    await run(bus, 'a');
    const report = await bus.shutdown();
    await run(bus, 'b');
    expect([report.stopped.includes('recent-traces'), traces.ids(), bus.listHandlers().length]).to.deep.equal([true, [], 0]);
  });
});
