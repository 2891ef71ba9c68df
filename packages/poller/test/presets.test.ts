import { Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { PrometheusReporter } from '@rx-telemetry/prometheus';
import { expect } from 'chai';
import { setTimeout as delay } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { pollerPreset, PRESET_NAMES, startPoller } from '../src/index.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

interface Family {
  type: string;
  labels: Set<string>;
  samples: number;
}

/** Families of a text exposition: `# TYPE` lines, and the label names of their samples (`le` aside). */
function families(text: string): Map<string, Family> {
  const out = new Map<string, Family>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) out.set(type[1], { type: type[2], labels: new Set(), samples: 0 });
  }
  const familyOf = (sample: string): Family | undefined => {
    for (const suffix of ['', '_bucket', '_sum', '_count']) {
      if (!sample.endsWith(suffix)) continue;
      const f = out.get(sample.slice(0, sample.length - suffix.length));
      if (f !== undefined) return f;
    }
    return undefined;
  };
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? /.exec(line);
    if (sample === null) continue;
    const f = familyOf(sample[1]);
    if (f === undefined) throw new Error(`sample without a family: ${line}`);
    f.samples++;
    for (const pair of (sample[3] ?? '').split(/,(?=[a-zA-Z_])/)) {
      const name = pair.split('=')[0];
      if (name !== '' && name !== 'le') f.labels.add(name);
    }
  }
  return out;
}

describe('poller presets', () => {
  describe("'prom-client'", function () {
    this.timeout(20_000);
    let ours: Map<string, Family>;
    let theirs: Map<string, Family>;

    before(async () => {
      const registry = new Registry();
      collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 1 });
      const t = new Telemetry();
      const preset = pollerPreset('prom-client');
      const aggregator = new Aggregator(t, { metrics: preset.metrics });
      const reporter = new PrometheusReporter(t, { aggregator });
      const poller = startPoller(t, { periodMs: 60_000, preset: 'prom-client', eventLoopResolutionMs: 1 });
      // A garbage collection for each to observe, a timer and a pending request for the per-type gauges.
      const timer = setTimeout(() => undefined, 10_000);
      collectGarbage();
      await delay(20);
      await poller.poll();
      theirs = families(await registry.metrics());
      // The reporter's own self-metrics (rx_telemetry_*) are not the preset's.
      ours = new Map([...families(reporter.render('text'))].filter(([name]) => !name.startsWith('rx_telemetry_')));
      clearTimeout(timer);
      await t.shutdown();
    });

    it('exposes every family prom-client exposes, with the same name and type, and no other', () => {
      const typesOf = (m: Map<string, Family>): Record<string, string> => Object.fromEntries([...m].map(([name, f]) => [name, f.type]).sort());
      expect(typesOf(ours)).to.deep.equal(typesOf(theirs));
      expect(ours.size).to.be.at.least(25);
    });

    it('labels each family the way prom-client does', () => {
      for (const [name, f] of theirs) {
        if (f.samples === 0) continue;
        expect([...(ours.get(name)?.labels ?? [])].sort(), name).to.deep.equal([...f.labels].sort());
      }
    });

    it('has samples wherever prom-client has them', () => {
      const empty = [...theirs].filter(([name, f]) => f.samples > 0 && (ours.get(name)?.samples ?? 0) === 0).map(([name]) => name);
      expect(empty).to.deep.equal([]);
    });
  });

  describe("'otel'", () => {
    it("names, units and attributes of OpenTelemetry's Node.js and V8 runtime conventions", () => {
      const summary = pollerPreset('otel').metrics.map((m) => [m.name, m.type, m.unit ?? '', m.tags.join(',')].join(' '));
      expect(summary).to.deep.equal([
        'nodejs.eventloop.delay.min lastValue second ',
        'nodejs.eventloop.delay.max lastValue second ',
        'nodejs.eventloop.delay.mean lastValue second ',
        'nodejs.eventloop.delay.stddev lastValue second ',
        'nodejs.eventloop.delay.p50 lastValue second ',
        'nodejs.eventloop.delay.p90 lastValue second ',
        'nodejs.eventloop.delay.p99 lastValue second ',
        'nodejs.eventloop.utilization lastValue  ',
        'nodejs.eventloop.time sum second nodejs.eventloop.state',
        'v8js.gc.duration distribution second v8js.gc.type',
        'v8js.memory.heap.used lastValue byte v8js.heap.space.name',
        'v8js.memory.heap.space.size lastValue byte v8js.heap.space.name',
        'v8js.memory.heap.space.available_size lastValue byte v8js.heap.space.name',
        'v8js.memory.heap.space.physical_size lastValue byte v8js.heap.space.name',
        'v8js.resource.active lastValue  v8js.resource.type',
      ]);
    });

    it('fills every metric after one poll, with the conventions’ attribute values', async () => {
      const t = new Telemetry();
      const aggregator = new Aggregator(t, { metrics: pollerPreset('otel').metrics });
      const poller = startPoller(t, { periodMs: 60_000, preset: 'otel', eventLoopResolutionMs: 1 });
      const timer = setTimeout(() => undefined, 10_000);
      collectGarbage();
      await delay(20);
      await poller.poll();
      clearTimeout(timer);
      const snapshot = aggregator.snapshot();
      await t.shutdown();
      const byName = new Map(snapshot.metrics.map((m) => [m.name, m]));
      expect(snapshot.metrics.filter((m) => m.series.length === 0).map((m) => m.name)).to.deep.equal([]);
      expect(byName.get('nodejs.eventloop.time')?.series.map((s) => s.tags['nodejs.eventloop.state']).sort()).to.deep.equal(['active', 'idle']);
      expect(byName.get('v8js.gc.duration')?.series.map((s) => s.tags['v8js.gc.type'])).to.include('major');
      expect(byName.get('v8js.memory.heap.used')?.series.map((s) => s.tags['v8js.heap.space.name'])).to.include.members(['new_space', 'old_space']);
      expect(byName.get('v8js.resource.active')?.series.map((s) => s.tags['v8js.resource.type'])).to.include('Timeout');
    });
  });

  it('throws a TypeError naming the presets for an unknown one', () => {
    expect(() => pollerPreset('datadog' as never)).to.throw(TypeError, /pollerPreset: name must be one of 'prom-client', 'otel', got "datadog"/);
    expect(() => startPoller(new Telemetry(), { periodMs: 1000, preset: 'x' as never })).to.throw(TypeError, /startPoller: preset must be one of/);
  });

  it('polls the preset’s measurements after the ones given, each once', () => {
    const poller = startPoller(new Telemetry(), { periodMs: 1000, measurements: ['gc', 'gpu'], preset: 'otel' });
    const names = poller.measurements();
    void poller.stop();
    expect(names).to.deep.equal(['gc', 'gpu', 'event_loop', 'heap_spaces', 'active']);
  });

  it('makes new definitions on every call (an aggregator each)', () => {
    for (const name of PRESET_NAMES) expect(pollerPreset(name).metrics[0]).to.not.equal(pollerPreset(name).metrics[0]);
  });
});
