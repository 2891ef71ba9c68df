// The dashboards and rules against the fixture service (test/fixture/service.ts): the demo's metric
// definitions fed with synthetic events, including the failures that make every alert go off. Strict:
// every metric any query or rule names has series. Ends with the negative controls that show the
// check fails on a misspelt metric.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { problemsOf } from './lib/check.js';
import { startService } from './lib/live.js';
import { describeLive } from './lib/live-suite.js';

const fixture = fileURLToPath(new URL('./fixture/service.js', import.meta.url));

describeLive('dashboards and rules against the fixture service', { strict: true, start: () => startService('fixture', fixture, 300, ['--rate', '20']) }, (ctx) => {
  describe('negative controls', () => {
    const dispatches = 'sum by (category) (rate(rx_compute_kernel_dispatch_stop_count_total{job=~"rx-demo"}[10s]))';

    it('the correctly spelt control query passes the check', async () => {
      expect(await problemsOf(ctx().prometheus, dispatches, ctx().known, { eachSelector: true, timeoutMs: 5000 })).to.deep.equal([]);
    });

    it('a misspelt metric returns no data and fails the check', async () => {
      const misspelt = dispatches.replace('dispatch', 'dispach');
      const problems = await problemsOf(ctx().prometheus, misspelt, ctx().known, { eachSelector: true, timeoutMs: 2000 });
      expect(problems).to.include('rx_compute_kernel_dispach_stop_count_total: not in the service\'s /metrics nor recorded by rules.yml');
      expect(problems).to.include(`no data: ${misspelt}`);
    });

    it('a misspelt metric hidden behind `or vector(0)` still fails the check (the expression alone would return data)', async () => {
      const hidden = 'count(rx_compute_device_eror_count_total{job=~"rx-demo"}) or vector(0)';
      expect(await ctx().prometheus.query(hidden)).to.have.length(1);
      const problems = await problemsOf(ctx().prometheus, hidden, ctx().known, { eachSelector: true, timeoutMs: 2000 });
      expect(problems).to.deep.equal(['rx_compute_device_eror_count_total: not in the service\'s /metrics nor recorded by rules.yml']);
    });
  });
});
