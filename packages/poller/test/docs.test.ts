import { expect } from 'chai';
import { runDocExample } from './doc-example.js';

describe('docs examples run', function () {
  this.timeout(60_000);

  it('docs/poller.md: the first example polls memory and a custom measurement once and stops', async () => {
    const r = await runDocExample('poller.md');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^rss \d+$/m);
    expect(r.stdout).to.match(/^queue 0$/m);
  });
});
