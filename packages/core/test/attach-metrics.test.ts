import { expect } from 'chai';
import { attachMetrics, counter, distribution, sum, Telemetry, type MetricReader } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

describe('attachMetrics', () => {
  it('attaches one handler per distinct event name', () => {
    const t = new Telemetry();
    attachMetrics(t, 'r', [counter('a.stop.count', { eventName: ['a', 'stop'] }), sum('a.stop.bytes'), counter('b.stop.count', { eventName: ['b', 'stop'] })], () => () => undefined);
    expect(t.listHandlers().map((h) => h.event.join('.'))).to.deep.equal(['a.stop', 'b.stop']);
  });

  it('hands each recorder converted values and tags through its reader', () => {
    const t = new Telemetry();
    const seen: unknown[] = [];
    attachMetrics(t, 'r', [distribution('q.stop.duration', { tags: ['table'], unit: { from: 'nanosecond', to: 'millisecond' } })], (reader: MetricReader) => (_e, m, md) => {
      seen.push([reader.value(m, md), reader.tagValues(md)]);
    });
    t.emit(['q', 'stop'], { duration: 1_000_123 }, { table: 'users' });
    expect(seen).to.deep.equal([[1.000123, ['users']]]);
  });

  it('keeps the other recorders of an event running when one throws, and reports it once', () => {
    const t = new Telemetry();
    const failures = recordEvents(t, [['telemetry', 'metrics', 'recorder_failure']]);
    let good = 0;
    attachMetrics(t, 'r', [counter('a.stop.count', { eventName: ['a', 'stop'] }), sum('a.stop.bytes')], (reader) =>
      reader.definition.type === 'counter'
        ? () => {
            throw new Error('broken recorder');
          }
        : () => void good++,
    );
    t.emit(['a', 'stop'], { bytes: 1 });
    t.emit(['a', 'stop'], { bytes: 1 });
    expect([good, failures.map((f) => f.metadata.metric), t.listHandlers(['a']).length]).to.deep.equal([2, ['a.stop.count'], 1]);
  });

  it('keeps a recorder alone on its event attached when it throws, reported as a handler failure', () => {
    const t = new Telemetry();
    const failures = recordEvents(t, [['telemetry', 'handler', 'failure']]);
    const attachment = attachMetrics(t, 'r', [counter('a.stop.count', { eventName: ['a', 'stop'] })], () => () => {
      throw new Error('alone');
    });
    t.emit(['a', 'stop'], {});
    expect([failures.map((f) => f.metadata.handlerId), attachment.readers.length, t.hasHandlers(['a', 'stop'])]).to.deep.equal([['r:a.stop'], 1, true]);
  });

  it('reports a measurement key the events lack, once per definition', () => {
    const t = new Telemetry();
    const missing = recordEvents(t, [['telemetry', 'metrics', 'missing_measurement']]);
    attachMetrics(t, 'r', [sum('a.stop.bytez', { eventName: ['a', 'stop'] })], (reader) => (_e, m, md) => void reader.value(m, md));
    t.emit(['a', 'stop'], { bytes: 1 });
    t.emit(['a', 'stop'], { bytes: 2 });
    expect(missing.map((e) => [e.metadata.metric, e.metadata.measurement, e.metadata.available])).to.deep.equal([['a.stop.bytez', 'bytez', ['bytes']]]);
  });

  it('detaches every handler, idempotently', () => {
    const t = new Telemetry();
    const a = attachMetrics(t, 'r', [counter('a.stop.count', { eventName: ['a', 'stop'] }), counter('b.stop.count', { eventName: ['b', 'stop'] })], () => () => undefined);
    a.detach();
    a.detach();
    expect(t.listHandlers()).to.deep.equal([]);
  });

  it('throws a TypeError for a metric defined twice', () => {
    expect(() => attachMetrics(new Telemetry(), 'r', [sum('a.b.c'), sum('a.b.c')], () => () => undefined)).to.throw(TypeError, /defined twice/);
  });

  it('throws a TypeError for something that is not a definition', () => {
    expect(() => attachMetrics(new Telemetry(), 'r', [{ name: 'x' } as never], () => () => undefined)).to.throw(TypeError, /counter\(\)/);
  });
});
