import { expect } from 'chai';
import { correlationId, withCorrelation } from '../src/index.js';

describe('withCorrelation', () => {
  it('exposes the given id inside fn', () => {
    expect(withCorrelation('req-1', () => correlationId())).to.equal('req-1');
  });

  it('generates a random 12-hex-character id without one', () => {
    const ids = [withCorrelation(() => correlationId()), withCorrelation(() => correlationId())];
    expect(ids[0]).to.match(/^[0-9a-f]{12}$/);
    expect(ids[0]).not.to.equal(ids[1]);
  });

  it('returns what fn returns', () => {
    expect(withCorrelation('x', () => 7)).to.equal(7);
  });

  it('has no id outside', () => {
    withCorrelation('x', () => undefined);
    expect(correlationId()).to.equal(undefined);
  });

  it('lets a nested call override, and restores the outer id after it', () => {
    const seen = withCorrelation('outer', () => [correlationId(), withCorrelation('inner', () => correlationId()), correlationId()]);
    expect(seen).to.deep.equal(['outer', 'inner', 'outer']);
  });

  it('survives await', async () => {
    const id = await withCorrelation('awaited', async () => {
      await new Promise((r) => setImmediate(r));
      return correlationId();
    });
    expect(id).to.equal('awaited');
  });

  it('survives timers', async () => {
    const id = await withCorrelation('timer', () => new Promise<string | undefined>((r) => setTimeout(() => r(correlationId()), 1)));
    expect(id).to.equal('timer');
  });

  it('survives promise chains', async () => {
    const id = await withCorrelation('chain', () =>
      Promise.resolve()
        .then(() => 1)
        .then(() => correlationId()),
    );
    expect(id).to.equal('chain');
  });

  it('keeps concurrent contexts apart', async () => {
    const run = (id: string): Promise<string | undefined> =>
      withCorrelation(id, async () => {
        await new Promise((r) => setTimeout(r, id === 'a' ? 2 : 1));
        return correlationId();
      });
    expect(await Promise.all([run('a'), run('b')])).to.deep.equal(['a', 'b']);
  });

  it('throws a TypeError for an empty id', () => {
    expect(() => withCorrelation('', () => undefined)).to.throw(TypeError);
  });
});
