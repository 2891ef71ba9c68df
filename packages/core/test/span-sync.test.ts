import { expect } from 'chai';
import { Telemetry, type EventName } from '../src/index.js';
import { recordEvents, type RecordedEvent } from '@rx-telemetry/devkit/event-recorder';

/** Every start/stop/exception of `prefix`, through devkit's shared recorder. */
export function record(t: Telemetry, prefix: EventName): RecordedEvent[] {
  return recordEvents(t, [
    [...prefix, 'start'],
    [...prefix, 'stop'],
    [...prefix, 'exception'],
  ]);
}

/** The phase of a recorded span event: 'start', 'stop' or 'exception'. */
export const phase = (e: RecordedEvent): string => e.name[e.name.length - 1];

describe('span (sync)', () => {
  it('emits start then stop and returns the result', () => {
    const t = new Telemetry();
    const seen = record(t, ['job']);
    const out = t.span(['job'], {}, () => 42);
    expect([out, seen.map((s) => phase(s))]).to.deep.equal([42, ['start', 'stop']]);
  });

  it('puts monotonicTime (ns) and systemTime (epoch ms) in start', () => {
    const t = new Telemetry();
    const seen = record(t, ['job']);
    const before = Date.now();
    t.span(['job'], {}, () => undefined);
    const m = seen[0].measurements;
    expect(Object.keys(m).sort()).to.deep.equal(['monotonicTime', 'systemTime']);
    expect(m.systemTime).to.be.within(before - 5, Date.now() + 5);
    expect(Number.isInteger(m.monotonicTime)).to.equal(true);
  });

  it('measures the duration in ns covering the callback', () => {
    const t = new Telemetry();
    const seen = record(t, ['job']);
    t.span(['job'], {}, () => {
      const end = performance.now() + 2;
      while (performance.now() < end);
    });
    const stop = seen[1].measurements;
    expect(stop.duration).to.be.within(2e6, 1e9);
    expect(stop.monotonicTime - seen[0].measurements.monotonicTime).to.be.closeTo(stop.duration, 1);
  });

  it('merges start metadata into stop metadata with a spanId', () => {
    const t = new Telemetry();
    const seen = record(t, ['job']);
    t.span(['job'], { user: 'ann' }, () => undefined);
    expect(seen[1].metadata).to.deep.equal({ user: 'ann', spanId: seen[0].metadata.spanId });
    expect(seen[0].metadata.spanId).to.be.a('number');
  });

  it('adds scope.set metadata to stop only', () => {
    const t = new Telemetry();
    const seen = record(t, ['job']);
    t.span(['job'], { a: 1 }, (scope) => scope.set({ rows: 3 }));
    expect([seen[0].metadata.rows, seen[1].metadata.rows, seen[1].metadata.a]).to.deep.equal([undefined, 3, 1]);
  });

  it('adds scope.measure measurements to stop without overriding duration or monotonicTime', () => {
    const t = new Telemetry();
    const seen = record(t, ['job']);
    t.span(['job'], {}, (scope) => scope.measure({ bytes: 10, duration: -1, monotonicTime: -1 }));
    const m = seen[1].measurements;
    expect([m.bytes, m.duration >= 0, m.monotonicTime > 0]).to.deep.equal([10, true, true]);
  });

  it('emits exception with kind, reason and stacktrace, and rethrows', () => {
    const t = new Telemetry();
    const seen = record(t, ['job']);
    const error = new Error('bad');
    expect(() =>
      t.span(['job'], { a: 1 }, () => {
        throw error;
      }),
    ).to.throw(error);
    const ex = seen[1];
    expect([phase(ex), ex.metadata.kind, ex.metadata.reason, ex.metadata.a]).to.deep.equal(['exception', 'error', error, 1]);
    expect(ex.metadata.stacktrace).to.include('bad');
    expect(Object.keys(ex.measurements).sort()).to.deep.equal(['duration', 'monotonicTime']);
  });

  it('runs the callback without events when nobody listens', () => {
    const t = new Telemetry();
    let scopeId: number | undefined;
    const out = t.span(['quiet'], {}, (scope) => {
      scopeId = scope.spanId;
      return 'ok';
    });
    expect([out, scopeId]).to.deep.equal(['ok', 0]);
  });

  it('throws a TypeError when fn is not a function', () => {
    const t = new Telemetry();
    expect(() => t.span(['x'], {}, undefined as unknown as () => void)).to.throw(TypeError);
  });
});
