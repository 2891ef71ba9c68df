import { expect } from 'chai';
import { Telemetry, withCorrelation, type Metadata, type SpanEvent } from '../src/index.js';

// Frozen start metadata passed again and again (one object reused, as webgpu's dispatch does) is
// copied into each span's start metadata by a literal made for its keys, and merged with frozen
// added metadata at the end by another (metadata-shape.ts). These hold either way: every span
// below runs often enough for the literals to be in use.
const MANY = 40;

interface Seen {
  starts: Record<string | symbol, unknown>[];
  stops: Record<string | symbol, unknown>[];
}

function bus(onStart?: (md: Record<string | symbol, unknown>) => void): { t: Telemetry; ev: SpanEvent; seen: Seen } {
  const t = new Telemetry();
  const seen: Seen = { starts: [], stops: [] };
  t.attach('start', ['gpu', 'dispatch', 'start'], (_e, _m, md) => {
    seen.starts.push(md);
    onStart?.(md);
  });
  t.attach('stop', ['gpu', 'dispatch', 'stop'], (_e, _m, md) => void seen.stops.push(md));
  return { t, ev: t.spanEvent(['gpu', 'dispatch']), seen };
}

/** Runs MANY spans by hand with `md`, each stopped with `added`; returns the last start and stop metadata. */
function spans(ev: SpanEvent, seen: Seen, md: Metadata, added: Metadata | undefined): { start: Record<string | symbol, unknown>; stop: Record<string | symbol, unknown> } {
  for (let i = 0; i < MANY; i++) ev.start(md).stop(undefined, added);
  return { start: seen.starts[seen.starts.length - 1], stop: seen.stops[seen.stops.length - 1] };
}

const MD = Object.freeze({ kernel: 'add', device: 'd0', workgroups: Object.freeze([4, 1, 1]) });
const FAST = Object.freeze({ category: 'fast' });

describe('span metadata of frozen objects passed again (metadata-shape.ts)', () => {
  it('gives start and stop metadata with the keys, order and values of the generic copy', () => {
    const { ev, seen } = bus();
    const { start, stop } = spans(ev, seen, MD, FAST);
    expect(Object.keys(start)).to.deep.equal(['spanId', 'kernel', 'device', 'workgroups']);
    expect(start).to.include({ kernel: 'add', device: 'd0', workgroups: MD.workgroups });
    expect(Object.keys(stop)).to.deep.equal(['spanId', 'kernel', 'device', 'workgroups', 'category']);
    expect(stop).to.deep.equal({ ...start, category: 'fast' });
    expect(stop).to.not.equal(start);
    // The literals were in use (not the generic copy): the span carries the metadata's shape.
    const open = ev.start(MD);
    expect((open as unknown as { shape?: unknown }).shape).to.not.equal(undefined);
    open.stop();
  });

  it('keeps the generic copy for metadata that is not frozen', () => {
    const { ev, seen } = bus();
    const md = { kernel: 'add' };
    spans(ev, seen, md, FAST);
    const open = ev.start(md);
    expect((open as unknown as { shape?: unknown }).shape).to.equal(undefined);
    open.stop(undefined, FAST);
    expect(seen.stops[seen.stops.length - 1]).to.deep.equal({ spanId: open.spanId, kernel: 'add', category: 'fast' });
  });

  it('carries the parent span and the correlation id in the order the generic copy has them', () => {
    const { t, ev, seen } = bus();
    t.attach('outer', ['outer', 'stop'], () => undefined);
    let outerId = 0;
    withCorrelation('c-9', () =>
      t.span(['outer'], {}, (outer) => {
        outerId = outer.spanId;
        spans(ev, seen, MD, FAST);
      }),
    );
    const stop = seen.stops[seen.stops.length - 1];
    expect(Object.keys(stop)).to.deep.equal(['spanId', 'parentSpanId', 'correlationId', 'kernel', 'device', 'workgroups', 'category']);
    expect(stop).to.include({ parentSpanId: outerId, correlationId: 'c-9', category: 'fast' });
  });

  it('takes an added key that the start metadata has from the added metadata, in its start position', () => {
    const { ev, seen } = bus();
    const { stop } = spans(ev, seen, MD, Object.freeze({ device: 'd1', category: 'slow' }));
    expect(Object.keys(stop)).to.deep.equal(['spanId', 'kernel', 'device', 'workgroups', 'category']);
    expect(stop).to.include({ device: 'd1', category: 'slow' });
  });

  it('carries a key a start handler added, a value it changed, and drops a key it deleted', () => {
    let mode = 0;
    const { ev, seen } = bus((md) => {
      if (mode === 1) md.extra = 1;
      if (mode === 2) md.kernel = 'changed';
      if (mode === 3) delete md.device;
    });
    spans(ev, seen, MD, FAST);
    const stops: Record<string | symbol, unknown>[] = [];
    for (mode = 1; mode <= 3; mode++) {
      ev.start(MD).stop(undefined, FAST);
      stops.push(seen.stops[seen.stops.length - 1]);
    }
    expect(stops[0]).to.include({ extra: 1, category: 'fast' });
    expect(stops[1]).to.include({ kernel: 'changed', category: 'fast' });
    expect(stops[2]).to.not.have.property('device');
    expect(Object.keys(stops[2])).to.deep.equal(['spanId', 'kernel', 'workgroups', 'category']);
  });

  it('carries a symbol-keyed property a start handler added to the start metadata', () => {
    const mark = Symbol('mark');
    let marking = false;
    const { ev, seen } = bus((md) => {
      if (marking) md[mark] = 'seen';
    });
    spans(ev, seen, MD, FAST);
    marking = true;
    ev.start(MD).stop(undefined, FAST);
    const stop = seen.stops[seen.stops.length - 1];
    expect(stop[mark]).to.equal('seen');
    expect(stop).to.include({ kernel: 'add', category: 'fast' });
  });

  it('copies symbol keys of frozen metadata and of added metadata (the generic copy)', () => {
    const sym = Symbol('s');
    const add = Symbol('a');
    const { ev, seen } = bus();
    const { start, stop } = spans(ev, seen, Object.freeze({ kernel: 'k', [sym]: 1 }), Object.freeze({ category: 'fast', [add]: 2 }));
    expect(start[sym]).to.equal(1);
    expect(stop[sym]).to.equal(1);
    expect(stop[add]).to.equal(2);
  });

  it('merges added metadata that is not frozen, and several added objects in turn', () => {
    const { ev, seen } = bus();
    spans(ev, seen, MD, FAST);
    const got: unknown[] = [];
    for (const added of [{ category: 'normal' }, FAST, Object.freeze({ category: 'slow', retried: true }), FAST]) {
      ev.start(MD).stop(undefined, added);
      const stop = seen.stops[seen.stops.length - 1];
      got.push([stop.category, stop.retried]);
    }
    expect(got).to.deep.equal([['normal', undefined], ['fast', undefined], ['slow', true], ['fast', undefined]]);
  });

  it('reads a frozen getter on every span, as the generic copy does', () => {
    let reads = 0;
    const md = Object.freeze(Object.defineProperty({}, 'n', { enumerable: true, get: () => ++reads }));
    const { ev, seen } = bus();
    spans(ev, seen, md, FAST);
    expect(reads).to.equal(MANY);
    expect(seen.stops[MANY - 1].n).to.equal(MANY);
  });

  it('ends an exception with the start keys, the added ones and the error, leaving the start metadata as it was', () => {
    const { t, ev, seen } = bus();
    const errors: Record<string, unknown>[] = [];
    t.attach('x', ['gpu', 'dispatch', 'exception'], (_e, _m, md) => void errors.push(md));
    spans(ev, seen, MD, FAST);
    ev.start(MD).set(FAST).exception(new Error('lost'));
    const start = seen.starts[seen.starts.length - 1];
    expect(Object.keys(errors[0])).to.deep.equal(['spanId', 'kernel', 'device', 'workgroups', 'category', 'kind', 'reason', 'stacktrace']);
    expect(Object.keys(start)).to.deep.equal(['spanId', 'kernel', 'device', 'workgroups']);
  });
});
