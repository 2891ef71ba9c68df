import { expect } from 'chai';
import { runDocExample as runDoc } from '@rx-telemetry/devkit/doc-example';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('docs examples run', function () {
  this.timeout(60_000);

  it('docs/health.md: the first example prints a report with the monitor\'s, a reporter\'s and a custom check, and exits', async () => {
    const r = await runDoc(join(PACKAGE_DIR, '..', '..', 'docs', 'health.md'), PACKAGE_DIR, 30_000);
    expect(r.status, r.stderr).to.equal(0);
    const [status, db, names] = r.stdout.trim().split(' ');
    expect(['healthy', 'degraded', 'critical']).to.include(status);
    expect(db).to.equal('healthy');
    expect(names).to.equal('eventLoop,heap,handlerFailures,my-reporter,db');
  });

  it('README.md: the first example runs', async () => {
    const r = await runDoc(join(PACKAGE_DIR, 'README.md'), PACKAGE_DIR, 30_000);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^critical /);
  });
});
