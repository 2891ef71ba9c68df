import { expect } from 'chai';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiSection, mentionedNames, unlistedExports } from '../src/readme-api.js';
import { publicPackages } from '../src/workspace-packages.js';

describe('README API sections', function () {
  this.timeout(120_000);

  for (const pkg of publicPackages()) {
    it(`${pkg.name}: the API section names every export`, () => {
      const r = unlistedExports(pkg.path);
      expect(r.missingSection, 'README.md has no "## API" section').to.equal(false);
      expect(r.unlisted, `exported but not listed in README.md's API section`).to.deep.equal([]);
    });
  }

  it('finds an export the section does not name (control)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-api-'));
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'index.d.ts'), 'export declare function listed(): void;\nexport declare const hidden: number;\nexport interface Shape { a: number }\n');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', exports: { '.': { types: './dist/index.d.ts' } } }));
    writeFileSync(join(dir, 'README.md'), '# x\n\n## API\n\n- `listed()` — does it\n- `Shape` — a type\n\n## More\n\n`hidden` is named outside the section\n');
    expect(unlistedExports(dir)).to.deep.equal({ missingSection: false, unlisted: ['hidden'] });
  });

  it('reads identifiers out of backticked code in the section only', () => {
    const section = apiSection('# t\n## API\n| `new Reporter(bus, { a })` | `x.y()` |\n## Other\n`z`\n') ?? '';
    expect([...mentionedNames(section)].sort()).to.deep.equal(['Reporter', 'a', 'bus', 'new', 'x', 'y']);
  });
});
