import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from '../src/repo-root.js';

// Docs that run: the first ```ts (or ```js) block of every package README is transpiled and executed
// inside that package (so its own name and its dependencies resolve as a user's would).
const require = createRequire(import.meta.url);
const ts = require('typescript') as typeof import('typescript');

function firstTsBlock(markdown: string): string | undefined {
  return /```(?:ts|js|mjs)\n([\s\S]*?)```/.exec(markdown)?.[1];
}

const packagesDir = join(root, 'packages');
const withExamples = readdirSync(packagesDir)
  .filter((name) => name !== 'devkit' && existsSync(join(packagesDir, name, 'README.md')))
  .map((name) => ({ name, code: firstTsBlock(readFileSync(join(packagesDir, name, 'README.md'), 'utf8')) }));

describe('package README examples', function () {
  this.timeout(120_000);

  for (const { name, code } of withExamples) {
    it(`@rx-telemetry/${name}: the README example runs`, () => {
      expect(code, `packages/${name}/README.md has no \`\`\`ts or \`\`\`js example`).to.be.a('string');
      const js = ts.transpileModule(code as string, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      const file = join(packagesDir, name, `.readme-example-${process.pid}.mjs`);
      writeFileSync(file, js);
      try {
        const r = spawnSync(process.execPath, [file], { cwd: join(packagesDir, name), encoding: 'utf8', timeout: 100_000, env: process.env });
        expect(r.status, `exit ${r.status} ${r.signal ?? ''}\n${r.stdout}\n${r.stderr}`).to.equal(0);
      } finally {
        rmSync(file, { force: true });
      }
    });
  }
});
