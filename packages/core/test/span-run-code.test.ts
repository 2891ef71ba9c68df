import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bindSpanContextFor, spanRunScenario } from './span-run-scenario.js';
import * as core from '../src/index.js';
import { ARM_AFTER, MAX_SPAN_CODES } from '../src/span-run-code.js';

const { currentSpanId, currentTraceContext, HANDLER_FAILURE_EVENT, Telemetry, withCorrelation } = core;
type SpanEvent = core.SpanEvent;

/** The name of the function a span event runs spans with: `run_…` once it has code of its own. */
function runName(ev: SpanEvent): string {
  return (ev as unknown as { run: { name: string } }).run.name;
}

/** A `spanEvent()` handle run past ARM_AFTER spans (its code is made then). */
function hot(t: core.Telemetry, prefix: string[]): SpanEvent {
  const ev = t.spanEvent(prefix);
  for (let i = 0; i < ARM_AFTER + 1; i++) ev.run({}, () => i);
  return ev;
}

describe('spanEvent().run with code of its own (span-run-code.ts)', () => {
  it(`gets code of its own after ${ARM_AFTER} spans, through spanEvent() and through bus.span`, () => {
    const t = new Telemetry();
    t.attachMany('h', [['job', 'start'], ['job', 'stop'], ['other', 'start']], () => undefined);
    const before = runName(t.spanEvent(['job']));
    const ev = hot(t, ['job']);
    for (let i = 0; i < ARM_AFTER + 1; i++) t.span(['other'], {}, () => i);
    expect(before).to.equal('runShared');
    expect(runName(ev)).to.match(/^run_job_\d+$/);
    expect(runName(t.spanEvent(['other']))).to.match(/^run_other_\d+$/);
  });

  it(`delivers the spans of a prefix nobody attached under to a stream past ${ARM_AFTER} spans (made per call, never armed)`, () => {
    const t = new Telemetry();
    const seen: string[] = [];
    const sub = t.events(['free']).subscribe((e) => seen.push(e.name.join('.')));
    for (let i = 0; i < ARM_AFTER + 1; i++) t.span(['free', 'x'], {}, () => i);
    sub.unsubscribe();
    expect(seen).to.have.length(2 * (ARM_AFTER + 1));
    expect(seen.slice(-2)).to.deep.equal(['free.x.start', 'free.x.stop']);
  });

  it('shares one code between span events whose handlers are the same functions', () => {
    const t = new Telemetry();
    const handler = (): void => undefined;
    t.attachMany('h', [['a', 'start'], ['a', 'stop'], ['b', 'start'], ['b', 'stop']], handler);
    expect(runName(hot(t, ['a']))).to.equal(runName(hot(t, ['b'])));
  });

  it('gives the same events, ids, context, failures and results as the shared run', async () => {
    const codeResult = await spanRunScenario(core, true);
    const sharedResult = await spanRunScenario(core, false);
    expect(codeResult.armed).to.equal(true);
    expect(sharedResult.armed).to.equal(false);
    expect({ ...codeResult, armed: true }).to.deep.equal({ ...sharedResult, armed: true });
  });

  it('gives the same results where code generation from strings is disallowed (the shared run)', async () => {
    const scenarioFile = fileURLToPath(new URL('./span-run-scenario.js', import.meta.url));
    const coreFile = fileURLToPath(new URL('../src/index.js', import.meta.url));
    const child = `
      import * as core from ${JSON.stringify(coreFile)};
      import { spanRunScenario } from ${JSON.stringify(scenarioFile)};
      process.stdout.write(JSON.stringify(await spanRunScenario(core, true)));
    `;
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      p.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`child exited with ${code}`))));
    });
    const inChild = JSON.parse(out) as Awaited<ReturnType<typeof spanRunScenario>>;
    expect(inChild.armed).to.equal(false);
    expect({ ...inChild, armed: true }).to.deep.equal(await spanRunScenario(core, true));
  });

  it('shows start and stop handlers the span as the current trace context and span', () => {
    const t = new Telemetry();
    const seen: unknown[] = [];
    t.attachMany('h', [['job', 'start'], ['job', 'stop']], () => void seen.push(currentTraceContext()?.spanId));
    const ev = hot(t, ['job']);
    seen.length = 0;
    let inside: string | undefined;
    let insideId: number | undefined;
    ev.run({}, () => {
      inside = currentTraceContext()?.spanId;
      insideId = currentSpanId();
    });
    expect(inside).to.match(/^[0-9a-f]{16}$/);
    expect(seen).to.deep.equal([inside, inside]);
    expect(insideId).to.be.a('number');
    expect(currentSpanId()).to.equal(undefined);
  });

  it('runs inside a span-context hook bound after the code was made', () => {
    const t = new Telemetry();
    t.attachMany('h', [['job', 'start'], ['job', 'stop']], () => undefined);
    const ev = hot(t, ['job']);
    const wrapped: number[] = [];
    bindSpanContextFor(t, (span) => void wrapped.push(span.spanId));
    let ran = 0;
    ev.run({}, () => ran++);
    expect(ran).to.equal(1);
    expect(wrapped).to.have.length(1);
  });

  it('reports metadata whose read throws and runs the callback bare', () => {
    const t = new Telemetry();
    const failures: unknown[] = [];
    t.attach('f', HANDLER_FAILURE_EVENT, (_e, _m, md) => void failures.push(md.handlerId));
    t.attachMany('h', [['job', 'start'], ['job', 'stop']], () => undefined);
    const ev = hot(t, ['job']);
    const hostile = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('no'); } });
    expect(ev.run(hostile, (scope) => scope.spanId)).to.equal(0);
    expect(failures).to.deep.equal(['span']);
  });

  it('reaches an exception handler alone once start and stop handlers are detached', () => {
    const t = new Telemetry();
    t.attachMany('h', [['job', 'start'], ['job', 'stop']], () => undefined);
    const ev = hot(t, ['job']);
    t.detach('h');
    const seen: string[] = [];
    t.attach('x', ['job', 'exception'], (e, _m, md) => void seen.push(`${e.join('.')}:${String(md.kind)}`));
    expect(() => ev.run({}, () => { throw new Error('x'); })).to.throw('x');
    expect(ev.run({}, () => 7)).to.equal(7);
    expect(seen).to.deep.equal(['job.exception:error']);
  });

  it('carries the correlation id and the parent span into the start metadata', () => {
    const t = new Telemetry();
    const starts: Record<string, unknown>[] = [];
    t.attach('h', ['job', 'start'], (_e, _m, md) => void starts.push(md));
    t.attach('o', ['outer', 'stop'], () => undefined);
    const ev = hot(t, ['job']);
    starts.length = 0;
    withCorrelation('c-1', () => t.span(['outer'], {}, (outer) => ev.run({ k: 1 }, () => expect(starts[0]).to.include({ parentSpanId: outer.spanId }))));
    expect(starts[0]).to.include({ correlationId: 'c-1', k: 1 });
    expect(Object.keys(starts[0])).to.deep.equal(['spanId', 'parentSpanId', 'correlationId', 'k']);
  });

  it(`stops making code after ${MAX_SPAN_CODES} codes: later span events keep the shared run`, () => {
    const t = new Telemetry();
    for (let i = 0; i <= MAX_SPAN_CODES; i++) {
      // Handlers of distinct sources: each span event needs a code of its own.
      const h = new Function('e', 'm', 'md', `return void ${i};`) as () => void;
      t.attachMany(`h${i}`, [[`s${i}`, 'start'], [`s${i}`, 'stop']], h);
    }
    const names = Array.from({ length: MAX_SPAN_CODES + 1 }, (_, i) => runName(hot(t, [`s${i}`])));
    expect(names.slice(0, MAX_SPAN_CODES).every((n) => n.startsWith('run_'))).to.equal(true);
    expect(names[MAX_SPAN_CODES]).to.equal('runShared');
  });
});
