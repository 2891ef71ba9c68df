import { expect } from 'chai';
import { runDocExample as runDoc } from '@rx-telemetry/devkit/doc-example';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runDocExample = (doc: string) => runDoc(join(PACKAGE_DIR, '..', '..', 'docs', doc), PACKAGE_DIR, 30_000);

describe('docs examples run', function () {
  this.timeout(60_000);

  it('docs/alerts.md: the first example builds an Aggregator, Alerts with all three rule kinds and handlers, and exits', async () => {
    const r = await runDocExample('alerts.md');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
  });
});
