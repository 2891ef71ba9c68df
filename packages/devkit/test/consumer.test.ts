import { expect } from 'chai';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileProject, consumerEnv, exportSpecifiers, expectSuccess, packPackages, runCommand } from '../src/consumer-project.js';
import { root } from '../src/repo-root.js';
import { publicPackages, type PackageManifest } from '../src/workspace-packages.js';

// Issue 9 §8: the packages work from a project of one's own, as docs/getting-started.md says:
// every public package `pnpm pack`ed, the tarballs installed with plain npm into a fresh project
// outside the workspace, examples/basic compiled there (its tsconfig.json, TypeScript's API) and run.
// npm runs with --omit=optional --ignore-scripts, as the workspace installs (pnpm-workspace.yaml
// ignores hot-shots' optional native deps and webgpu's macOS-only postinstall): nothing compiles.

const examplesBasic = join(root, 'examples', 'basic');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

/** Output with every number replaced (durations, ids), for comparing two runs. */
const shape = (text: string): string => text.replace(/\d+(\.\d+)?/g, 'N').trim();

describe('a project of its own: packed tarballs installed with npm', function () {
  this.timeout(300_000);
  const packages = publicPackages();
  let tmp: string;
  let app: string;
  let compileErrors: string[];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rx-consumer-'));
    app = join(tmp, 'app');
    mkdirSync(app);
    const tarballs = await packPackages(packages, join(tmp, 'tarballs'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'rx-telemetry-consumer', private: true, type: 'module' }, null, 2));
    for (const f of readdirSync(examplesBasic).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) copyFileSync(join(examplesBasic, f), join(app, f));
    const specs = packages.flatMap(exportSpecifiers);
    // Every entry point through the type checker too: `types` conditions that point at files the
    // tarball lacks, or declarations that import what the consumer does not have, fail here.
    writeFileSync(join(app, 'entry-points.ts'), `${specs.map((s, i) => `import * as e${i} from '${s}';`).join('\n')}\nexport const entryPoints = [${specs.map((_, i) => `e${i}`).join(', ')}];\n`);
    writeFileSync(
      join(app, 'check-exports.mjs'),
      `for (const s of ${JSON.stringify(specs)}) {\n` +
        `  try { console.log(s, Object.keys(await import(s)).length); } catch (e) { console.log(s, 'FAILED', String(e).split('\\n')[0]); }\n}\n`,
    );
    const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'dist', rootDir: '.', types: ['node'], skipLibCheck: false };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }, null, 2));
    const npmArgs = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=optional', '--ignore-scripts', '--loglevel=error'];
    const deps = [...tarballs.values(), `@types/node@${rootManifest.devDependencies['@types/node']}`];
    expectSuccess('npm install', await runCommand('npm', [...npmArgs, ...deps], { cwd: app, env: consumerEnv(), timeoutMs: 240_000 }));
    compileErrors = compileProject(app);
  });

  after(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  it('the project lies outside the workspace', () => {
    expect(app.startsWith(root + '/')).to.equal(false);
  });

  it('pnpm pack turned every workspace: dependency into the exact version of that package', () => {
    const versions = new Map(packages.map((p) => [p.name, p.version]));
    const wrong = packages.flatMap((p) => {
      const installed = JSON.parse(readFileSync(join(app, 'node_modules', p.name, 'package.json'), 'utf8')) as PackageManifest;
      return Object.entries({ ...installed.dependencies, ...installed.peerDependencies })
        .filter(([dep, spec]) => spec.startsWith('workspace:') || (versions.has(dep) && spec !== versions.get(dep)))
        .map(([dep, spec]) => `${p.name} → ${dep}@${spec}`);
    });
    expect({ wrong, installed: packages.filter((p) => !existsSync(join(app, 'node_modules', p.name))).map((p) => p.name) }).to.deep.equal({
      wrong: [],
      installed: [],
    });
  });

  it("every public package's exports resolve and load at run time", async () => {
    const r = await runCommand(process.execPath, ['check-exports.mjs'], { cwd: app });
    const lines = r.stdout.trim().split('\n').filter(Boolean);
    expect({ code: r.code, stderr: r.stderr, loaded: lines.length, failed: lines.filter((l) => / FAILED |\s0$/.test(l)) }).to.deep.equal({
      code: 0,
      stderr: '',
      loaded: packages.flatMap(exportSpecifiers).length,
      failed: [],
    });
  });

  it("every public package's entry points and examples/basic type-check against the packed declarations (ours checked too)", () => {
    expect(compileErrors).to.deep.equal([]);
  });

  it('examples/basic runs there and prints what it prints in the workspace', async () => {
    const here = await runCommand(process.execPath, [join(app, 'dist', 'main.js')], { cwd: app, env: consumerEnv() });
    const workspace = expectSuccess('examples/basic in the workspace', await runCommand(process.execPath, ['dist/main.js'], { cwd: examplesBasic }));
    expect(shape(workspace.stdout).split('\n').length, 'examples/basic prints at least two lines').to.be.greaterThan(1);
    expect({ code: here.code, stderr: here.stderr, stdout: shape(here.stdout) }).to.deep.equal({ code: 0, stderr: '', stdout: shape(workspace.stdout) });
  });
});
