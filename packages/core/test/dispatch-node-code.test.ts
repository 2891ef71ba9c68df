import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as core from '../src/index.js';
import { MAX_CODES, UNROLLED } from '../src/node-dispatch.js';
import { ROUTES, scenario, type ScenarioResult } from './dispatch-scenario.js';

const { HANDLER_FAILURE_EVENT, Telemetry } = core;

// What the scenario must give on every route (see dispatch-scenario.ts): round k throws in hk,
// which is detached and reported; the rest of the round still runs, in attach order, streams last.
function expected(): ScenarioResult {
  const order: string[] = [];
  const alive = new Set(['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'keep', 'detacher', 'late']);
  for (let round = 0; round < 8; round++) {
    for (const id of ['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'keep', 'detacher', 'late', 'new']) {
      if (!alive.has(id)) continue;
      order.push(`${id}:${round}`);
      if (id === `h${round}`) alive.delete(id);
    }
    if (round === 6) {
      alive.delete('late');
      alive.add('new');
    }
    order.push(`stream:${round}`);
  }
  const failures = ['h0:boom 0', 'keep:kept', 'h1:boom 1', 'h2:boom 2', 'h3:boom 3', 'h4:boom 4', 'h5:boom 5'];
  return { order, failures, left: ['keep', 'detacher', 'new'] };
}

describe('dispatch through code made for event nodes', () => {
  const titles = {
    shared: 'by name through the shared loop',
    'by-name-compiled': "by name on a node with code of its own",
    handle: 'through a handle',
    'handle-past-cap': `through a handle made after ${MAX_CODES} others (the shared loop)`,
  };
  for (const route of ROUTES) {
    it(`keeps order, isolation (a throw at each of the first six positions), copy-on-write and streams over 9 handlers (${UNROLLED} written out) when emitting ${titles[route]}`, () => {
      expect(scenario(core, route, MAX_CODES)).to.deep.equal(expected());
    });
  }

  it('gives the same results where code generation from strings is disallowed', async () => {
    const scenarioFile = fileURLToPath(new URL('./dispatch-scenario.js', import.meta.url));
    const coreFile = fileURLToPath(new URL('../src/index.js', import.meta.url));
    const child = `
      import * as core from ${JSON.stringify(coreFile)};
      import { scenario } from ${JSON.stringify(scenarioFile)};
      const out = ${JSON.stringify(ROUTES)}.map((r) => scenario(core, r, ${MAX_CODES}));
      process.stdout.write(JSON.stringify(out));
    `;
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      p.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`child exited with ${code}`))));
    });
    expect(JSON.parse(out)).to.deep.equal(ROUTES.map(() => expected()));
  });

  it("reports an async handler's rejection from a node's own code", async () => {
    const t = new Telemetry();
    const seen: unknown[] = [];
    t.attach('failures', HANDLER_FAILURE_EVENT, (_e, _m, md) => void seen.push(md.handlerId));
    t.attach('async', ['a', 'b'], async () => Promise.reject(new Error('later')));
    t.event(['a', 'b']).emit({});
    await new Promise((r) => setImmediate(r));
    expect(seen).to.deep.equal(['async']);
  });

  it('lets a handle made before any handler reach handlers past the written-out calls', () => {
    const t = new Telemetry();
    const handle = t.event(['a']);
    handle.emit({});
    const got: number[] = [];
    for (let k = 0; k < UNROLLED + 2; k++) t.attach(`h${k}`, ['a'], () => void got.push(k));
    handle.emit({});
    expect(got).to.deep.equal([0, 1, 2, 3, 4, 5].slice(0, UNROLLED + 2));
  });

  it('passes empty metadata and the frozen name from a handle', () => {
    const t = new Telemetry();
    const seen: unknown[] = [];
    t.attach('h', ['a', 'b'], (e, _m, md) => void seen.push(Object.isFrozen(e), e, md));
    t.event(['a', 'b']).emit({});
    expect(seen).to.deep.equal([true, ['a', 'b'], {}]);
  });

  it("passes the caller's name array to handlers when emitting by name on a node with a handle", () => {
    const t = new Telemetry();
    const names = new Set<unknown>();
    t.attach('h', ['a'], (e) => void names.add(e));
    t.event(['a']);
    const name = ['a'];
    t.emit(name, {});
    expect([...names][0]).to.equal(name);
  });

  it(`gives every handle made after the bus compiled ${MAX_CODES} codes the shared emit (one function literal)`, () => {
    const t = new Telemetry();
    const emits = Array.from({ length: MAX_CODES + 2 }, (_, i) => t.event(['n', String(i)]).emit);
    const [a, b] = emits.slice(MAX_CODES);
    expect([new Set(emits.slice(0, MAX_CODES).map(String)).size, String(a) === String(b), a === emits[0]]).to.deep.equal([MAX_CODES, true, false]);
  });

  it('compiles one code for the names whose handlers are the same functions, and one per other handler list', () => {
    const t = new Telemetry();
    const shared = (): void => undefined;
    for (let i = 0; i < 3; i++) t.attach(`s${i}`, ['same', String(i)], shared);
    t.attach('o', ['other'], () => 1);
    const [a, b, c] = [0, 1, 2].map((i) => t.event(['same', String(i)]).emit);
    const other = t.event(['other']).emit;
    expect([a !== b && b !== c, String(a) === String(b) && String(b) === String(c), String(other) === String(a)]).to.deep.equal([true, true, false]);
  });
});
