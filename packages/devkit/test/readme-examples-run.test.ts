import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runDocExample } from '../src/doc-example.js';
import { root } from '../src/repo-root.js';

// Docs that run: the first ```ts (or ```js) block of every package README is executed inside
// that package.
const packagesDir = join(root, 'packages');
const withReadme = readdirSync(packagesDir).filter((name) => name !== 'devkit' && existsSync(join(packagesDir, name, 'README.md')));

describe('package README examples', function () {
  this.timeout(120_000);

  for (const name of withReadme) {
    it(`@rx-telemetry/${name}: the README example runs`, async () => {
      const r = await runDocExample(join(packagesDir, name, 'README.md'), join(packagesDir, name));
      expect(r.status, `exit ${r.status}\n${r.stdout}\n${r.stderr}`).to.equal(0);
    });
  }
});
