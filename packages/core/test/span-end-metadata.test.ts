import { expect } from 'chai';
import { Telemetry, type Metadata, type SpanContextInfo } from '../src/index.js';

// A span's end metadata is its start metadata (ids first) with what set() or the end added. Core
// copies the start metadata only when it was handed out; these pin that nothing handed out changes.
describe('span end metadata', () => {
  it('reach stop handlers as ids, start keys, then added keys, when nobody saw the start', () => {
    const t = new Telemetry();
    const stops: Metadata[] = [];
    t.attach('h', ['gpu', 'dispatch', 'stop'], (_e, _m, md) => stops.push(md));
    const span = t.spanEvent(['gpu', 'dispatch']).start({ kernel: 'add', device: 'd0' }, 1);
    span.stop(undefined, Object.freeze({ category: 'fast' }), 2);
    expect(Object.entries(stops[0])).to.deep.equal([['spanId', span.spanId], ['kernel', 'add'], ['device', 'd0'], ['category', 'fast']]);
  });

  it('leave the start event metadata a start handler kept as it was', () => {
    const t = new Telemetry();
    const seen: Metadata[] = [];
    t.attachMany('h', [['gpu', 'dispatch', 'start'], ['gpu', 'dispatch', 'stop']], (_e, _m, md) => seen.push(md));
    const span = t.spanEvent(['gpu', 'dispatch']).start({ kernel: 'add' }, 1);
    span.set({ rows: 3 }).stop(undefined, { category: 'fast' }, 2);
    expect(seen[0]).to.deep.equal({ spanId: span.spanId, kernel: 'add' });
    expect(seen[1]).to.deep.equal({ spanId: span.spanId, kernel: 'add', rows: 3, category: 'fast' });
    expect(seen[1]).to.not.equal(seen[0]);
  });

  it('leave the start metadata a span-context hook kept as it was', () => {
    const t = new Telemetry();
    const infos: SpanContextInfo[] = [];
    t.bindSpanContext((_span, fn) => fn(), { onStart: (info) => void infos.push(info) });
    const stops: Metadata[] = [];
    t.attach('h', ['a', 'stop'], (_e, _m, md) => stops.push(md));
    t.startSpan(['a'], { k: 1 }, 1).stop(undefined, { extra: true }, 2);
    expect(infos[0].metadata).to.deep.equal({ spanId: infos[0].spanId, k: 1 });
    expect(stops[0]).to.deep.equal({ spanId: infos[0].spanId, k: 1, extra: true });
  });

  it('let the end metadata override a start key in its place', () => {
    const t = new Telemetry();
    const stops: Metadata[] = [];
    t.attach('h', ['a', 'stop'], (_e, _m, md) => stops.push(md));
    const span = t.startSpan(['a'], { phase: 'start', k: 1 }, 1);
    span.stop(undefined, { phase: 'stop' }, 2);
    expect(Object.entries(stops[0])).to.deep.equal([['spanId', span.spanId], ['phase', 'stop'], ['k', 1]]);
  });

  it('carry kind, reason and the added keys on an exception nobody saw start', () => {
    const t = new Telemetry();
    const seen: Metadata[] = [];
    t.attach('h', ['a', 'exception'], (_e, _m, md) => seen.push(md));
    const err = new Error('lost');
    t.startSpan(['a'], { k: 1 }, 1).set({ rows: 2 }).exception(err, { stage: 'copy' }, 2);
    expect(seen[0]).to.deep.include({ k: 1, rows: 2, stage: 'copy', kind: 'error', reason: err });
  });

  it('give each span of one start metadata object its own end metadata', () => {
    const t = new Telemetry();
    const stops: Metadata[] = [];
    t.attach('h', ['a', 'stop'], (_e, _m, md) => stops.push(md));
    const md = { k: 1 };
    const ev = t.spanEvent(['a']);
    ev.start(md, 1).stop(undefined, { n: 1 }, 2);
    ev.start(md, 3).stop(undefined, { m: 2 }, 4);
    expect(stops[0]).to.deep.include({ k: 1, n: 1 }).and.not.have.property('m');
    expect(stops[1]).to.deep.include({ k: 1, m: 2 }).and.not.have.property('n');
    expect(md).to.deep.equal({ k: 1 });
  });
});
