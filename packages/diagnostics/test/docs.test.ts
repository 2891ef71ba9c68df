import { expect } from 'chai';
import { runDocExample as runDoc } from '@rx-telemetry/devkit/doc-example';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('docs examples run', function () {
  this.timeout(60_000);

  it('docs/diagnostics.md: a fetch to a local server reaches a TracingChannel subscriber as two spans, and the process exits', async () => {
    const r = await runDoc(join(PACKAGE_DIR, '..', '..', 'docs', 'diagnostics.md'), PACKAGE_DIR, 30_000);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^start undici\.request GET \/ping$/m);
    expect(r.stdout).to.match(/^start http\.server\.request GET \/ping$/m);
    expect(r.stdout).to.match(/^end {3}http\.server\.request 200 [\d.]+ ms$/m);
    expect(r.stdout).to.match(/^end {3}undici\.request 200 [\d.]+ ms$/m);
    expect(r.stdout).to.match(/^pong$/m);
  });

  it('README.md: the fetch made by the handler is a child of its server span with the caller’s x-request-id', async () => {
    const r = await runDoc(join(PACKAGE_DIR, 'README.md'), PACKAGE_DIR, 30_000);
    expect(r.status, r.stderr).to.equal(0);
    const server = /^http\.server\.request\.stop GET \/orders\/7 200 span (\d+) \(root\) req-1 /m.exec(r.stdout);
    expect(server, r.stdout).to.not.equal(null);
    expect(r.stdout).to.match(new RegExp(`^undici\\.request\\.stop GET /stock 200 span \\d+ \\(child of ${server![1]}\\) req-1 `, 'm'));
  });
});
