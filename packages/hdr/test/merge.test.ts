import { counter, distribution, lastValue, Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { Aggregator, type MetricsSnapshot } from '../src/index.js';
import { stats as hdrBackendStats, wasmReady } from '../src/hdr-backend.js';
import { feed, feedAggregator } from './fixtures/feed.js';

function normalise(s: MetricsSnapshot): unknown {
  return s.metrics.map((m) => ({ ...m, series: [...m.series].sort((a, b) => JSON.stringify(a.tags).localeCompare(JSON.stringify(b.tags))) }));
}

function runWorker(from: number, to: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./fixtures/worker.js', import.meta.url), { workerData: { from, to } });
    w.once('message', (m: string) => resolve(m));
    w.once('error', reject);
  });
}

describe('Aggregator.encode / merge', () => {
  it('merges two worker_threads exactly as one aggregator fed the same events', async () => {
    const [a, b] = await Promise.all([runWorker(0, 3000), runWorker(3000, 5000)]);
    const telemetry = new Telemetry();
    const single = feedAggregator(telemetry);
    feed(telemetry, 0, 5000);
    const merged = Aggregator.merge(a, b);
    const expected = single.snapshot();
    single.stop();
    expect(normalise(merged)).to.deep.equal(normalise(expected));
    expect(merged.metrics.find((m) => m.name === 'job.run.stop.count')!.series.reduce((n, s) => n + (s.value ?? 0), 0)).to.equal(5000);
  });

  it('restores a merge as a stopped Aggregator whose snapshot equals the merged snapshot', async () => {
    const [a, b] = await Promise.all([runWorker(0, 2500), runWorker(2500, 4000)]);
    const restored = Aggregator.restore(a, b);
    expect(restored.stopped).to.equal(true);
    expect(normalise(restored.snapshot())).to.deep.equal(normalise(Aggregator.merge(a, b)));
    // And it encodes again: a restore of a restore changes nothing.
    expect(normalise(Aggregator.restore(restored.encode()).snapshot())).to.deep.equal(normalise(restored.snapshot()));
  });

  it('adds dropped and overflow counts across encodings', () => {
    const encoded = [0, 1].map(() => {
      const t = new Telemetry();
      const agg = new Aggregator(t, { maxSeriesPerMetric: 1, metrics: [counter('a.b.count', { eventName: ['a', 'b'], tags: ['k'] })] });
      t.emit(['a', 'b'], {}, { k: 'x' });
      t.emit(['a', 'b'], {}, { k: 'y' });
      t.emit(['a', 'b'], {}, {});
      agg.stop();
      return agg.encode();
    });
    const merged = Aggregator.merge(...encoded);
    expect(merged.droppedEvents).to.equal(2);
    expect(merged.overflowSeries).to.equal(2);
    expect(merged.metrics[0].series.find((s) => s.tags.k === 'x')!.value).to.equal(2);
  });

  it('keeps the newest lastValue', () => {
    const first = new Telemetry();
    const a = new Aggregator(first, { metrics: [lastValue('a.b.depth')] });
    first.emit(['a', 'b'], { depth: 1 });
    const older = a.encode();
    first.emit(['a', 'b'], { depth: 2 });
    // Encoded within the same millisecond or not: make the second one's timestamp later.
    const newer = JSON.stringify({ ...(JSON.parse(a.encode()) as { timestamp: number }), timestamp: (JSON.parse(older) as { timestamp: number }).timestamp + 1 });
    a.stop();
    expect(Aggregator.merge(newer, older).metrics[0].series[0].value).to.equal(2);
    expect(Aggregator.merge(older, newer).metrics[0].series[0].value).to.equal(2);
  });

  it('round-trips a histogram through its HdrHistogram encoding', () => {
    const t = new Telemetry();
    const agg = new Aggregator(t, { metrics: [distribution('a.b.duration', { unit: 'second' })] });
    for (let i = 1; i <= 500; i++) t.emit(['a', 'b'], { duration: i / 3000 });
    const merged = Aggregator.merge(agg.encode());
    expect(merged.metrics[0].series[0].total).to.deep.equal(agg.snapshot().metrics[0].series[0].total);
    agg.stop();
  });

  it('encodes through WebAssembly hdr-histogram-js histograms and destroys every one it builds', () => {
    const t = new Telemetry();
    const agg = new Aggregator(t, { metrics: [distribution('a.b.duration', { unit: 'second', tags: ['k'] })] });
    for (let i = 1; i <= 100; i++) t.emit(['a', 'b'], { duration: i / 1000 }, { k: `k${i % 3}` });
    const before = { ...hdrBackendStats };
    agg.encode();
    agg.stop();
    const delta = { built: hdrBackendStats.built - before.built, wasm: hdrBackendStats.wasm - before.wasm, destroyed: hdrBackendStats.destroyed - before.destroyed };
    expect(wasmReady()).to.equal(true);
    // 3 series × (all time + window), all WebAssembly, all destroyed before encode() returned.
    expect(delta).to.deep.equal({ built: 6, wasm: 6, destroyed: 6 });
  });
  it('rejects input that is not an encoding with a TypeError', () => {
    expect(() => Aggregator.merge('nope')).to.throw(TypeError, /not JSON/);
    expect(() => Aggregator.merge('{"format":"x"}')).to.throw(TypeError, /format/);
    expect(() => Aggregator.merge(42 as unknown as string)).to.throw(TypeError, /must be a string/);
    expect(() => Aggregator.merge()).to.throw(TypeError, /at least one/);
  });
});
