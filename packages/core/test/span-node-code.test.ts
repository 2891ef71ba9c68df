import { expect } from 'chai';
import { currentTraceContext, Telemetry, type TelemetryEvent } from '../src/index.js';

// A span's start and stop go straight to their node's own dispatch code when the node has one
// (node-dispatch.ts: a node with an event handle on it); the others go through the bus's shared
// loop. These hold either way, and across many spans.
const MANY = 300;

/** Gives the nodes of `prefix`'s start and stop code of their own, as an event handle on them does. */
function withCode(t: Telemetry, prefix: string[]): void {
  t.event([...prefix, 'start']);
  t.event([...prefix, 'stop']);
}

describe('span events through node code (an event handle on their nodes)', () => {
  it('reaches start and stop handlers on every span', () => {
    const t = new Telemetry();
    const counts = { start: 0, stop: 0 };
    t.attach('start', ['job', 'start'], () => void counts.start++);
    t.attach('stop', ['job', 'stop'], () => void counts.stop++);
    const ev = t.spanEvent(['job']);
    withCode(t, ['job']);
    for (let i = 0; i < MANY; i++) ev.run({}, () => i);
    expect(counts).to.deep.equal({ start: MANY, stop: MANY });
  });

  it('reaches a handler attached after many spans, and no longer one detached after', () => {
    const t = new Telemetry();
    t.attachMany('first', [['job', 'start'], ['job', 'stop']], () => undefined);
    const ev = t.spanEvent(['job']);
    withCode(t, ['job']);
    for (let i = 0; i < MANY; i++) ev.run({}, () => i);
    const late: string[] = [];
    t.attach('late', ['job', 'stop'], (e) => void late.push(e.join('.')));
    ev.run({}, () => 0);
    t.detach('late');
    ev.run({}, () => 0);
    expect(late).to.deep.equal(['job.stop']);
  });

  it('delivers to streams as well as handlers', () => {
    const t = new Telemetry();
    t.attachMany('h', [['job', 'start'], ['job', 'stop']], () => undefined);
    const ev = t.spanEvent(['job']);
    withCode(t, ['job']);
    for (let i = 0; i < MANY; i++) ev.run({}, () => i);
    const streamed: TelemetryEvent[] = [];
    const sub = t.events(['job']).subscribe((e) => streamed.push(e));
    ev.run({ k: 'v' }, () => 0);
    sub.unsubscribe();
    expect(streamed.map((e) => e.name.join('.'))).to.deep.equal(['job.start', 'job.stop']);
  });

  it("shows handlers the span's own trace context on start and stop", () => {
    const t = new Telemetry();
    const seen: (string | undefined)[] = [];
    t.attachMany('h', [['job', 'start'], ['job', 'stop']], () => void seen.push(currentTraceContext()?.spanId));
    const ev = t.spanEvent(['job']);
    withCode(t, ['job']);
    for (let i = 0; i < MANY; i++) ev.run({}, () => i);
    seen.length = 0;
    let inside: string | undefined;
    ev.run({}, () => {
      inside = currentTraceContext()?.spanId;
    });
    expect(seen).to.deep.equal([inside, inside]);
    expect(inside).to.match(/^[0-9a-f]{16}$/);
    expect(currentTraceContext()).to.equal(undefined);
  });
});
