import { expect } from 'chai';
import { HANDLER_FAILURE_EVENT, Telemetry, type Measurements, type Metadata } from '../src/index.js';

function failures(t: Telemetry): Array<{ m: Measurements; md: Metadata }> {
  const out: Array<{ m: Measurements; md: Metadata }> = [];
  t.attach('failures', ['telemetry', 'handler', 'failure'], (_e, m, md) => out.push({ m, md }));
  return out;
}

describe('a handler that throws', () => {
  it('does not make emit throw', () => {
    const t = new Telemetry();
    t.attach('bad', ['x'], () => {
      throw new Error('boom');
    });
    expect(() => t.emit(['x'], {})).not.to.throw();
  });

  it('does not stop the handlers after it', () => {
    const t = new Telemetry();
    let ran = false;
    t.attach('bad', ['x'], () => {
      throw new Error('boom');
    });
    t.attach('good', ['x'], () => (ran = true));
    t.emit(['x'], {});
    expect(ran).to.equal(true);
  });

  it('is detached from all its events', () => {
    const t = new Telemetry();
    let calls = 0;
    t.attachMany('bad', [['x'], ['y']], () => {
      calls++;
      throw new Error('boom');
    });
    t.emit(['x'], {});
    t.emit(['y'], {});
    expect(calls).to.equal(1);
    expect(t.listHandlers()).to.deep.equal([]);
  });

  it("stays attached with onFailure: 'keep'", () => {
    const t = new Telemetry();
    let calls = 0;
    t.attach(
      'bad',
      ['x'],
      () => {
        calls++;
        throw new Error('boom');
      },
      undefined,
      { onFailure: 'keep' },
    );
    t.emit(['x'], {});
    t.emit(['x'], {});
    expect(calls).to.equal(2);
  });

  it('emits the failure event with handler id, event, config, error and stacktrace', () => {
    const t = new Telemetry();
    const seen = failures(t);
    const error = new Error('boom');
    t.attach(
      'bad',
      ['x', 'y'],
      () => {
        throw error;
      },
      { cfg: true },
    );
    t.emit(['x', 'y'], {});
    expect(seen).to.have.length(1);
    const { md } = seen[0];
    expect([md.handlerId, md.event, md.config, md.error]).to.deep.equal(['bad', ['x', 'y'], { cfg: true }, error]);
    expect(md.stacktrace).to.be.a('string').that.includes('boom');
  });

  it('reports monotonicTime (ns) and systemTime (epoch ms) in the failure event', () => {
    const t = new Telemetry();
    const seen = failures(t);
    t.attach('bad', ['x'], () => {
      throw new Error('boom');
    });
    const before = Date.now();
    t.emit(['x'], {});
    const { m } = seen[0];
    expect(m.systemTime).to.be.within(before - 5, Date.now() + 5);
    expect(m.monotonicTime).to.be.closeTo(performance.now() * 1e6, 1e9);
  });

  it('reports a thrown non-Error value with a string stacktrace', () => {
    const t = new Telemetry();
    const seen = failures(t);
    t.attach('bad', ['x'], () => {
      throw 'plain'; // eslint-disable-line no-throw-literal
    });
    t.emit(['x'], {});
    expect([seen[0].md.error, seen[0].md.stacktrace]).to.deep.equal(['plain', 'plain']);
  });

  it('does not loop when a handler of the failure event itself throws', () => {
    const t = new Telemetry();
    let calls = 0;
    t.attach(
      'bad-failure-handler',
      HANDLER_FAILURE_EVENT,
      () => {
        calls++;
        throw new Error('again');
      },
      undefined,
      { onFailure: 'keep' },
    );
    t.attach('bad', ['x'], () => {
      throw new Error('boom');
    });
    expect(() => t.emit(['x'], {})).not.to.throw();
    expect(calls).to.equal(1);
  });
});
