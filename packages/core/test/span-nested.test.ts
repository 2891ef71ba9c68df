import { expect } from 'chai';
import { Telemetry, currentSpanId, withCorrelation } from '../src/index.js';
import { phase, record } from './span-sync.test.js';

describe('nested spans', () => {
  it('gives the inner span the outer spanId as parentSpanId', () => {
    const t = new Telemetry();
    const outer = record(t, ['outer']);
    const inner = record(t, ['inner']);
    t.span(['outer'], {}, () => t.span(['inner'], {}, () => undefined));
    expect(inner[0].metadata.parentSpanId).to.equal(outer[0].metadata.spanId);
    expect(outer[0].metadata).not.to.have.property('parentSpanId');
  });

  it('keeps the parent across await', async () => {
    const t = new Telemetry();
    const outer = record(t, ['outer']);
    const inner = record(t, ['inner']);
    await t.span(['outer'], {}, async () => {
      await new Promise((r) => setImmediate(r));
      await t.span(['inner'], {}, async () => undefined);
    });
    expect(inner[0].metadata.parentSpanId).to.equal(outer[0].metadata.spanId);
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
    for (const c of child.filter((s) => phase(s) === 'start')) {
      const parent = a.find((s) => phase(s) === 'start' && s.metadata.name === c.metadata.name);
      expect(c.metadata.parentSpanId).to.equal(parent?.metadata.spanId);
    }
  });

  it('gives unique spanIds', () => {
    const t = new Telemetry();
    const seen = record(t, ['s']);
    for (let i = 0; i < 5; i++) t.span(['s'], {}, () => undefined);
    const ids = seen.filter((s) => phase(s) === 'start').map((s) => s.metadata.spanId);
    expect(new Set(ids).size).to.equal(5);
  });

  it('exposes the current span id inside the callback', () => {
    const t = new Telemetry();
    const seen = record(t, ['s']);
    let inside: number | undefined;
    t.span(['s'], {}, () => (inside = currentSpanId()));
    expect([inside, currentSpanId()]).to.deep.equal([seen[0].metadata.spanId, undefined]);
  });

  it('carries the active correlationId in span metadata', () => {
    const t = new Telemetry();
    const seen = record(t, ['s']);
    withCorrelation('corr-1', () => t.span(['s'], {}, () => undefined));
    expect([seen[0].metadata.correlationId, seen[1].metadata.correlationId]).to.deep.equal(['corr-1', 'corr-1']);
  });
});

describe('span ids', () => {
  it('come from one sequence for span() and spans opened by hand, so they never collide', () => {
    const t = new Telemetry();
    const seen = record(t, ['s']);
    const opened = t.startSpan(['s'], {});
    t.span(['s'], {}, () => undefined);
    opened.stop();
    const ids = seen.map((e) => e.metadata.spanId as number);
    expect(new Set(ids).size).to.equal(2);
  });
});
