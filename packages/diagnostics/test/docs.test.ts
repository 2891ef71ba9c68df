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

  it("README.md: the handler's own span is a child of its server span, its fetch a child of that, all with the caller's x-request-id and one trace to the backend", async () => {
    const r = await runDoc(join(PACKAGE_DIR, 'README.md'), PACKAGE_DIR, 30_000);
    expect(r.status, r.stderr).to.equal(0);
    const line = (pattern: string) => {
      const m = new RegExp(`^${pattern} req-1 trace ([0-9a-f]{8}) `, 'm').exec(r.stdout);
      expect(m, `${pattern} in\n${r.stdout}`).to.not.equal(null);
      return m!;
    };
    const api = line('http\\.server\\.request\\.stop GET /orders/7 200 span (\\d+) \\(local root\\)');
    const load = line(`orders\\.load\\.stop order 7 span (\\d+) \\(child of ${api[1]}\\)`);
    const fetched = line(`undici\\.request\\.stop GET /stock 200 span \\d+ \\(child of ${load[1]}\\)`);
    const backend = line('http\\.server\\.request\\.stop GET /stock 200 span \\d+ \\(local root\\)');
    const first = /^undici\.request\.stop GET \/orders\/7 200 span \d+ \(local root\) - trace ([0-9a-f]{8}) /m.exec(r.stdout);
    expect([api[2], load[2], fetched[1], backend[1]]).to.deep.equal([first?.[1], first?.[1], first?.[1], first?.[1]]);
  });
});
