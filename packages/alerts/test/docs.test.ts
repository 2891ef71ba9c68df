import { expect } from 'chai';
import { runDocExample } from './doc-example.js';

describe('docs examples run', function () {
  this.timeout(60_000);

  it('docs/alerts.md: the first example builds an Aggregator, Alerts with all three rule kinds and handlers, and exits', async () => {
    const r = await runDocExample('alerts.md');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
  });

  it('docs/health.md: the first example prints a health report with its custom check', async () => {
    const r = await runDocExample('health.md');
    expect(r.status, r.stderr).to.equal(0);
    const [status, db] = r.stdout.trim().split(' ', 2);
    expect(['healthy', 'degraded', 'critical']).to.include(status);
    expect(db).to.equal('healthy');
  });
});
