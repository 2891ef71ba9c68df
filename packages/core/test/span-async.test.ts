import { expect } from 'chai';
import { Telemetry } from '../src/index.js';
import { phase, record } from './span-sync.test.js';

describe('span (async)', () => {
  it('returns a promise and emits stop when it resolves', async () => {
    const t = new Telemetry();
    const seen = record(t, ['job']);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const p = t.span(['job'], {}, async () => {
      await gate;
      return 'done';
    });
    const before = seen.map((s) => phase(s));
    release();
    const out = await p;
    expect([before, out, seen.map((s) => phase(s))]).to.deep.equal([['start'], 'done', ['start', 'stop']]);
  });

  it('emits exception when the promise rejects, and rejects with the same reason', async () => {
    const t = new Telemetry();
    const seen = record(t, ['job']);
    const error = new Error('async bad');
    const out = await t
      .span(['job'], {}, async () => {
        await Promise.resolve();
        throw error;
      })
      .catch((e: unknown) => e);
    expect([out, phase(seen[1]), seen[1].metadata.reason]).to.deep.equal([error, 'exception', error]);
  });

  it('measures the duration up to settlement', async () => {
    const t = new Telemetry();
    const seen = record(t, ['job']);
    await t.span(['job'], {}, () => new Promise((r) => setTimeout(r, 5)));
    expect(seen[1].measurements.duration).to.be.at.least(4e6);
  });

  it('keeps scope.set metadata given after an await', async () => {
    const t = new Telemetry();
    const seen = record(t, ['job']);
    await t.span(['job'], {}, async (scope) => {
      await Promise.resolve();
      scope.set({ late: true });
    });
    expect(seen[1].metadata.late).to.equal(true);
  });
});
