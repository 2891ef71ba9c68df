import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findImportCycles, formatCycles } from '../src/import-cycles.js';
import { root } from '../src/repo-root.js';
import { workspacePackages } from '../src/workspace-packages.js';

// Issue 9 §6: no import cycle anywhere. The check is madge (`madge --circular --extensions ts
// packages/*/src`), run on every package's sources; type-only imports count (see import-cycles.ts).

function tsFilesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && e.name.endsWith('.ts')).length;
}

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rx-cycles-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('import cycles (madge)', function () {
  this.timeout(60_000);

  it('no package source has an import cycle, and madge saw every file and every relative import', async () => {
    const dirs = workspacePackages()
      .map((p) => join(p.path, 'src'))
      .filter(existsSync);
    const report = await findImportCycles(dirs, root);
    const expectedFiles = dirs.reduce((n, d) => n + tsFilesUnder(d), 0);
    expect({ cycles: formatCycles(report, root), unresolved: report.unresolved, files: report.files.length }).to.deep.equal({
      cycles: '',
      unresolved: [],
      files: expectedFiles,
    });
  });

  describe('negative controls', () => {
    const made: string[] = [];
    after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

    it('finds a cycle through NodeNext-style ./x.js imports of .ts files', async () => {
      const dir = fixture({
        'a.ts': "import { b } from './b.js';\nexport const a = () => b();\n",
        'b.ts': "import { c } from './c.js';\nexport const b = () => c();\n",
        'c.ts': "import { a } from './a.js';\nexport const c = (): number => (a ? 1 : 0);\n",
        'd.ts': "import { a } from './a.js';\nexport const d = a;\n",
      });
      made.push(dir);
      const report = await findImportCycles([dir]);
      expect(report.cycles).to.deep.equal([['a.ts', 'b.ts', 'c.ts']]);
    });

    it('finds a cycle closed by a type-only import', async () => {
      const dir = fixture({
        'probe.ts': "import { record } from './record.js';\nexport class Probe { r = record(); }\n",
        'record.ts': "import type { Probe } from './probe.js';\nexport function record(p?: Probe): number { return p ? 1 : 0; }\n",
      });
      made.push(dir);
      const report = await findImportCycles([dir]);
      expect(report.cycles).to.deep.equal([['probe.ts', 'record.ts']]);
    });

    it('reports a relative import it cannot resolve instead of silently dropping the edge', async () => {
      const dir = fixture({ 'a.ts': "import { gone } from './gone.js';\nexport const a = gone;\n" });
      made.push(dir);
      const report = await findImportCycles([dir]);
      expect(report.unresolved).to.deep.equal(['./gone.js']);
    });
  });
});
