import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// The guides that lead to this template: the five-minute app of docs/getting-started.md and every
// code block of docs/concepts.md run here as they are written (their imports resolve as a user's
// would, from this example's dependencies), each in a process of its own that must exit on its own.
const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
const docs = fileURLToPath(new URL('../../../../docs/', import.meta.url));
const here = fileURLToPath(new URL('../../', import.meta.url));

function blocks(file: string): string[] {
  return [...readFileSync(`${docs}${file}`, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function run(code: string, name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const file = `${here}.doc-example-${name}-${process.pid}.mjs`;
  writeFileSync(file, js);
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { cwd: here, timeout: 15_000 }, (error, stdout, stderr) => {
      rmSync(file, { force: true });
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

type Run = Awaited<ReturnType<typeof run>>;

describe('docs that lead to examples/http-server', function () {
  this.timeout(60_000);
  let app: Run;
  let concepts: Run[];

  before(async () => {
    // Two at a time: each is a Node process loading the packages.
    const jobs: (() => Promise<Run>)[] = [() => run(blocks('getting-started.md')[0], 'getting-started'), ...blocks('concepts.md').map((code, i) => () => run(code, `concepts-${i}`))];
    const results: Run[] = [];
    for (let i = 0; i < jobs.length; i += 2) results.push(...(await Promise.all(jobs.slice(i, i + 2).map((job) => job()))));
    [app, ...concepts] = results;
  });

  it('getting-started.md: the five-minute app runs and prints the counts it promises', () => {
    expect({ code: app.code, stderr: app.stderr }).to.deep.equal({ code: 0, stderr: '' });
    expect(app.stdout).to.contain(['orders_processed_total{payment="paypal"} 3', 'orders_processed_total{payment="card"} 2', 'orders_failed_total{payment="card"} 1'].join('\n'));
    expect(app.stdout).to.match(/"msg":"shop\.order\.exception".*"correlationId":"order-3"/);
  });

  it('concepts.md: every code block runs and exits on its own', () => {
    expect(concepts.length).to.be.at.least(6);
    for (const [block, r] of concepts.entries()) expect({ block, code: r.code, stderr: r.stderr }).to.deep.equal({ block, code: 0, stderr: '' });
  });

  it('concepts.md: the blocks print what their comments say', () => {
    const out = concepts.map((r) => r.stdout);
    expect(out[0]).to.equal('cache.miss 1 user:42\n');
    expect(out[1]).to.equal("[ 'query users', 'insert orders' ]\n");
    expect(out[2]).to.match(/^db\.query in [\d.]+ ms: span (\d+), parent (\d+), rows 3\nhttp\.request in [\d.]+ ms: span \2, parent -, rows -\n$/);
    expect(out[4]).to.match(/^job-7 00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01\n$/);
    expect(out[5]).to.equal("{ stopped: [ 'http-server' ], failed: [], abandoned: [] }\n");
  });
});
