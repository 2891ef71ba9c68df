import { expect } from 'chai';
import { currentTraceContext, formatTraceparent, parseTraceparent, Telemetry, traceparent, withCorrelation, withTraceparent, type TraceContext } from '../src/index.js';

const REMOTE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('W3C trace context', () => {
  it('gives a span a 32-hex trace id and a 16-hex span id', () => {
    const t = new Telemetry();
    t.attach('h', ['s', 'stop'], () => undefined);
    const ctx = t.span(['s'], {}, () => currentTraceContext()) as TraceContext;
    expect([/^[0-9a-f]{32}$/.test(ctx.traceId), /^[0-9a-f]{16}$/.test(ctx.spanId), ctx.traceFlags]).to.deep.equal([true, true, 1]);
  });

  it('gives a child span the trace id of its parent and its own span id', () => {
    const t = new Telemetry();
    t.attach('h', ['s', 'stop'], () => undefined);
    const [outer, inner] = t.span(['s'], {}, () => [currentTraceContext(), t.span(['s'], {}, () => currentTraceContext())]) as TraceContext[];
    expect([inner.traceId === outer.traceId, inner.spanId === outer.spanId]).to.deep.equal([true, false]);
  });

  it('keeps the trace through withCorrelation and across await', async () => {
    const t = new Telemetry();
    t.attach('h', ['s', 'stop'], () => undefined);
    const ids = await t.span(['s'], {}, async () => {
      const outer = currentTraceContext()?.traceId;
      const inner = await withCorrelation('c', async () => {
        await new Promise((r) => setImmediate(r));
        return t.span(['s'], {}, () => currentTraceContext()?.traceId);
      });
      return [outer, inner];
    });
    expect(ids[0]).to.equal(ids[1]);
  });

  it('shows handlers of stop and start events the ids of the span they belong to', () => {
    const t = new Telemetry();
    const seen: string[] = [];
    t.attachMany('ids', [['s', 'start'], ['s', 'stop']], () => void seen.push(currentTraceContext()?.spanId ?? 'none'));
    const inside = t.span(['s'], {}, () => currentTraceContext()?.spanId);
    expect(seen).to.deep.equal([inside, inside]);
  });

  it('has no trace context outside spans', () => {
    expect([currentTraceContext(), traceparent()]).to.deep.equal([undefined, undefined]);
  });

  it('continues an incoming traceparent: a span inside is a child of the remote span', () => {
    const t = new Telemetry();
    t.attach('h', ['s', 'stop'], () => undefined);
    const header = withTraceparent(REMOTE, () => t.span(['s'], {}, () => traceparent())) as string;
    const [version, traceId, spanId, flags] = header.split('-');
    expect([version, traceId, spanId !== '00f067aa0ba902b7', flags]).to.deep.equal(['00', '4bf92f3577b34da6a3ce929d0e0e4736', true, '01']);
  });

  it('returns the remote context itself inside withTraceparent before any span', () => {
    expect(withTraceparent(REMOTE, () => traceparent())).to.equal(REMOTE);
  });

  const invalid = [
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['uppercase hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['a short trace id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['trailing data on version 00', `${REMOTE}-extra`],
    ['garbage', 'not a header'],
  ] as const;
  for (const [label, header] of invalid) {
    it(`ignores an incoming traceparent with ${label} (never throws, starts a new trace)`, () => {
      expect([parseTraceparent(header), withTraceparent(header, () => traceparent())]).to.deep.equal([undefined, undefined]);
    });
  }

  it('reads a future version by its version-00 prefix', () => {
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-whatever')?.traceId).to.equal('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('formats a context back into the header it came from', () => {
    expect(formatTraceparent(parseTraceparent(REMOTE) as TraceContext)).to.equal(REMOTE);
  });

  it('lets a span-context hook adopt ids made by another system', () => {
    const t = new Telemetry();
    const adopted = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
    t.bindSpanContext((span, fn) => {
      span.adoptTraceContext(adopted);
      return fn();
    });
    expect(t.span(['s'], {}, () => currentTraceContext())).to.deep.equal(adopted);
  });

  it('emits the start event after a hook adopted ids, so start handlers see them', () => {
    const t = new Telemetry();
    const adopted = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1 };
    const seen: (string | undefined)[] = [];
    t.attach('start', ['s', 'start'], () => void seen.push(currentTraceContext()?.spanId));
    t.bindSpanContext((span, fn) => {
      span.adoptTraceContext(adopted);
      return fn();
    }, { onStart: (span) => span.adoptTraceContext(adopted) });
    t.span(['s'], {}, () => undefined);
    t.startSpan(['s']).stop();
    expect(seen).to.deep.equal([adopted.spanId, adopted.spanId]);
  });

  it('tells a hook the trace its span continues', () => {
    const t = new Telemetry();
    let parent: TraceContext | undefined;
    t.bindSpanContext((span, fn) => {
      parent = span.parentTraceContext();
      return fn();
    });
    withTraceparent(REMOTE, () => t.span(['s'], {}, () => undefined));
    expect(parent?.spanId).to.equal('00f067aa0ba902b7');
  });
});

describe('currentTraceSource', () => {
  it('is undefined outside spans, also inside withCorrelation alone', async () => {
    const { currentTraceSource } = await import('../src/index.js');
    expect([currentTraceSource(), withCorrelation('c', () => currentTraceSource())]).to.deep.equal([undefined, undefined]);
  });

  it('gives the span whose ids currentTraceContext() reads, without making them first', async () => {
    const { currentTraceSource } = await import('../src/index.js');
    const t = new Telemetry();
    t.attach('h', ['s', 'stop'], () => undefined);
    const [source, ctx] = t.span(['s'], {}, () => withCorrelation('c', () => [currentTraceSource(), currentTraceContext()]));
    expect((source as { traceContext(): TraceContext }).traceContext()).to.equal(ctx);
  });
});
