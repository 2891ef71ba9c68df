import { expect } from 'chai';
import { bufferTime, filter, map, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { Telemetry, withCorrelation, type TelemetryEvent } from '../src/index.js';

function collect(t: Telemetry, pattern?: string[]): { names: string[]; items: TelemetryEvent[]; stop(): void } {
  const items: TelemetryEvent[] = [];
  const sub = t.events(pattern).subscribe((e) => items.push(e));
  return {
    items,
    get names() {
      return items.map((e) => e.name.join('.'));
    },
    stop: () => sub.unsubscribe(),
  };
}

describe('events(pattern)', () => {
  it('delivers every event without a pattern', () => {
    const t = new Telemetry();
    const c = collect(t);
    t.emit(['a'], {});
    t.emit(['b', 'c'], {});
    expect(c.names).to.deep.equal(['a', 'b.c']);
  });

  it('treats the pattern as a prefix', () => {
    const t = new Telemetry();
    const c = collect(t, ['a']);
    t.emit(['a'], {});
    t.emit(['a', 'b'], {});
    t.emit(['ab'], {});
    t.emit(['b', 'a'], {});
    expect(c.names).to.deep.equal(['a', 'a.b']);
  });

  it("matches any one segment with '*'", () => {
    const t = new Telemetry();
    const c = collect(t, ['compute', '*', 'stop']);
    t.emit(['compute', 'kernel', 'stop'], {});
    t.emit(['compute', 'memory', 'stop'], {});
    t.emit(['compute', 'kernel', 'start'], {});
    t.emit(['compute', 'stop'], {});
    expect(c.names).to.deep.equal(['compute.kernel.stop', 'compute.memory.stop']);
  });

  it('delivers name, measurements and metadata', () => {
    const t = new Telemetry();
    const c = collect(t);
    t.emit(['a'], { n: 1 }, { k: 'v' });
    expect(c.items[0]).to.deep.include({ name: ['a'], measurements: { n: 1 }, metadata: { k: 'v' } });
  });

  it('sees events emitted through handles made before the subscription', () => {
    const t = new Telemetry();
    const handle = t.event(['h']);
    const c = collect(t, ['h']);
    handle.emit({});
    expect(c.names).to.deep.equal(['h']);
  });

  it('stops delivery on unsubscribe', () => {
    const t = new Telemetry();
    const c = collect(t);
    t.emit(['a'], {});
    c.stop();
    t.emit(['a'], {});
    expect(c.names).to.deep.equal(['a']);
  });

  it('carries the correlationId active at emit time, even when consumed later', () => {
    const t = new Telemetry();
    // bufferTime reschedules itself forever: bound the virtual clock to 1.5 buffers.
    const scheduler = new VirtualTimeScheduler(VirtualAction, 1500);
    const batches: TelemetryEvent[][] = [];
    t.events(['job'])
      .pipe(bufferTime(1000, scheduler))
      .subscribe((b) => batches.push(b));
    withCorrelation('c-1', () => t.emit(['job'], {}));
    withCorrelation('c-2', () => t.emit(['job'], {}));
    t.emit(['job'], {});
    scheduler.flush();
    const firstBatch = batches.find((b) => b.length > 0) ?? [];
    expect(firstBatch.map((e) => e.correlationId)).to.deep.equal(['c-1', 'c-2', undefined]);
  });

  it('works through operators', () => {
    const t = new Telemetry();
    const out: number[] = [];
    t.events(['n'])
      .pipe(
        map((e) => e.measurements.v),
        filter((v) => v > 1),
      )
      .subscribe((v) => out.push(v));
    for (const v of [1, 2, 3]) t.emit(['n'], { v });
    expect(out).to.deep.equal([2, 3]);
  });

  it('throws a TypeError for an invalid pattern', () => {
    expect(() => new Telemetry().events(['a', ''])).to.throw(TypeError);
  });
});

describe('a throwing events() consumer', () => {
  it('does not affect the emitter or other subscribers', () => {
    const t = new Telemetry();
    const good = collect(t);
    t.events().subscribe(() => {
      throw new Error('consumer');
    });
    expect(() => t.emit(['a'], {})).not.to.throw();
    expect(good.names).to.include('a');
  });

  it('is unsubscribed and reported as a handler failure', () => {
    const t = new Telemetry();
    const failures: unknown[] = [];
    t.attach('f', ['telemetry', 'handler', 'failure'], (_e, _m, md) => failures.push(md.error));
    let calls = 0;
    t.events(['a']).subscribe(() => {
      calls++;
      throw new Error('consumer');
    });
    t.emit(['a'], {});
    t.emit(['a'], {});
    expect([calls, failures.length, (failures[0] as Error).message]).to.deep.equal([1, 1, 'consumer']);
  });

  it('is isolated behind operators too', () => {
    const t = new Telemetry();
    const failures: unknown[] = [];
    t.attach('f', ['telemetry', 'handler', 'failure'], (_e, _m, md) => failures.push(md.error));
    t.events(['a'])
      .pipe(map((e) => e.measurements.v))
      .subscribe(() => {
        throw new Error('piped');
      });
    expect(() => t.emit(['a'], { v: 1 })).not.to.throw();
    expect((failures[0] as Error).message).to.equal('piped');
  });

  it('reports an operator error that has no error callback instead of crashing later', () => {
    const t = new Telemetry();
    const failures: unknown[] = [];
    t.attach('f', ['telemetry', 'handler', 'failure'], (_e, _m, md) => failures.push(md.error));
    t.events(['a'])
      .pipe(
        map(() => {
          throw new Error('in operator');
        }),
      )
      .subscribe(() => undefined);
    t.emit(['a'], {});
    expect((failures[0] as Error).message).to.equal('in operator');
  });
});
