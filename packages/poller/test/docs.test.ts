import { expect } from 'chai';
import { runDocExample as runDoc } from '@rx-telemetry/devkit/doc-example';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runDocExample = (doc: string) => runDoc(join(PACKAGE_DIR, '..', '..', 'docs', doc), PACKAGE_DIR, 30_000);

describe('docs examples run', function () {
  this.timeout(60_000);

  it('docs/poller.md: the first example polls memory and a custom measurement once and stops', async () => {
    const r = await runDocExample('poller.md');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^rss \d+$/m);
    expect(r.stdout).to.match(/^queue 0$/m);
  });
});
