import { counter, MISSING_MEASUREMENT_EVENT, sum, Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { expect } from 'chai';
import { firstValueFrom, toArray } from 'rxjs';
import { Aggregator } from '../src/index.js';

const EVENT = ['http', 'request', 'stop'];

describe('Aggregator lifecycle', () => {
  it('exposes the bus it listens on as telemetry', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count')] });
    expect(agg.telemetry).to.equal(telemetry);
    await agg.stop();
  });

  it('stop() is idempotent: every call returns the same promise', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count')] });
    const first = agg.stop();
    expect(agg.stop()).to.equal(first);
    await first;
    expect(agg.stopped).to.equal(true);
  });

  it('is stopped by telemetry.shutdown(): handlers detached, snapshots() completed, data still readable', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count')] });
    const snaps = firstValueFrom(agg.snapshots(60_000).pipe(toArray()));
    telemetry.emit(EVENT, {});
    const report = await telemetry.shutdown();
    expect(report.stopped).to.deep.equal(['hdr-aggregator']);
    expect(agg.stopped).to.equal(true);
    expect(telemetry.listHandlers()).to.have.length(0);
    expect((await snaps).map((s) => s.metrics[0].series[0].value)).to.deep.equal([1]);
    telemetry.emit(EVENT, {});
    expect(agg.snapshot().metrics[0].series[0].value).to.equal(1);
  });

  it('unregisters from the bus when stopped directly, so shutdown() has nothing left to stop', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count')] });
    await agg.stop();
    expect((await telemetry.shutdown()).stopped).to.deep.equal([]);
  });

  it('Aggregator.restore listens on no bus: no telemetry, already stopped, its stop() a no-op', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count')] });
    telemetry.emit(EVENT, {});
    const restored = Aggregator.restore(agg.encode());
    await agg.stop();
    expect([restored.telemetry, restored.stopped]).to.deep.equal([undefined, true]);
    await restored.stop();
    expect(restored.snapshot().metrics[0].series[0].value).to.equal(1);
  });

  it('reports a definition whose measurement key the events lack, once (misspelt keys are not silent)', async () => {
    const telemetry = new Telemetry();
    const missing = recordEvents(telemetry, [[...MISSING_MEASUREMENT_EVENT]]);
    const agg = new Aggregator(telemetry, { metrics: [sum('http.request.stop.bytes')] });
    telemetry.emit(EVENT, { byte: 10 });
    telemetry.emit(EVENT, { byte: 20 });
    expect(missing.map((e) => [e.metadata.metric, e.metadata.measurement])).to.deep.equal([['http.request.stop.bytes', 'bytes']]);
    expect(agg.snapshot().metrics[0].droppedEvents).to.equal(2);
    await agg.stop();
  });
});
