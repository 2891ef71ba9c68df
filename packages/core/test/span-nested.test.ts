import { expect } from 'chai';
import { Telemetry, currentSpanId, withCorrelation } from '../src/index.js';
import { record } from './span-sync.test.js';

describe('nested spans', () => {
  it('gives the inner span the outer spanId as parentSpanId', () => {
    const t = new Telemetry();
    const outer = record(t, ['outer']);
    const inner = record(t, ['inner']);
    t.span(['outer'], {}, () => t.span(['inner'], {}, () => undefined));
    expect(inner[0].md.parentSpanId).to.equal(outer[0].md.spanId);
    expect(outer[0].md).not.to.have.property('parentSpanId');
  });

  it('keeps the parent across await', async () => {
    const t = new Telemetry();
    const outer = record(t, ['outer']);
    const inner = record(t, ['inner']);
    await t.span(['outer'], {}, async () => {
      await new Promise((r) => setImmediate(r));
      await t.span(['inner'], {}, async () => undefined);
    });
    expect(inner[0].md.parentSpanId).to.equal(outer[0].md.spanId);
  });

  it('keeps concurrent children apart', async () => {
    const t = new Telemetry();
    const a = record(t, ['a']);
    const child = record(t, ['child']);
    const run = (name: string): Promise<void> =>
      t.span(['a'], { name }, async () => {
        await new Promise((r) => setTimeout(r, 1));
        t.span(['child'], { name }, () => undefined);
      });
    await Promise.all([run('one'), run('two')]);
    for (const c of child.filter((s) => s.event === 'start')) {
      const parent = a.find((s) => s.event === 'start' && s.md.name === c.md.name);
      expect(c.md.parentSpanId).to.equal(parent?.md.spanId);
    }
  });

  it('gives unique spanIds', () => {
    const t = new Telemetry();
    const seen = record(t, ['s']);
    for (let i = 0; i < 5; i++) t.span(['s'], {}, () => undefined);
    const ids = seen.filter((s) => s.event === 'start').map((s) => s.md.spanId);
    expect(new Set(ids).size).to.equal(5);
  });

  it('exposes the current span id inside the callback', () => {
    const t = new Telemetry();
    const seen = record(t, ['s']);
    let inside: number | undefined;
    t.span(['s'], {}, () => (inside = currentSpanId()));
    expect([inside, currentSpanId()]).to.deep.equal([seen[0].md.spanId, undefined]);
  });

  it('carries the active correlationId in span metadata', () => {
    const t = new Telemetry();
    const seen = record(t, ['s']);
    withCorrelation('corr-1', () => t.span(['s'], {}, () => undefined));
    expect([seen[0].md.correlationId, seen[1].md.correlationId]).to.deep.equal(['corr-1', 'corr-1']);
  });
});

describe('span ids', () => {
  it('come from one sequence for span() and spans opened by hand, so they never collide', () => {
    const t = new Telemetry();
    const seen = record(t, ['s']);
    const opened = t.startSpan(['s'], {});
    t.span(['s'], {}, () => undefined);
    opened.stop();
    const ids = seen.map((e) => e.md.spanId as number);
    expect(new Set(ids).size).to.equal(2);
  });
});
