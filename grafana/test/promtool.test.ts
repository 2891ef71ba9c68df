// promtool on the shipped files: the config (with its rule file) is valid, the rules are valid, and
// their unit tests (rules.test.yml) pass; a broken rule file is caught the same way.
import { expect } from 'chai';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from '@rx-telemetry/devkit/prometheus';
import { tempDir } from '@rx-telemetry/devkit/peer-process';
import { prometheusDir } from './lib/dashboards.js';

const promtool = '/usr/bin/promtool';

describe('promtool on grafana/prometheus/', function () {
  this.timeout(60_000);

  it('check config: prometheus.yml and the rule file it names are valid', async () => {
    const r = await runTool(promtool, ['check', 'config', join(prometheusDir, 'prometheus.yml')], '');
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain('SUCCESS: 1 rule files found');
  });

  it('check rules: rules.yml is valid (and lint-clean)', async () => {
    const r = await runTool(promtool, ['check', 'rules', join(prometheusDir, 'rules.yml')], '');
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout + r.stderr).not.to.match(/warning|lint/i);
  });

  it('test rules: rules.test.yml passes', async () => {
    const r = await runTool(promtool, ['test', 'rules', join(prometheusDir, 'rules.test.yml')], '');
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain('SUCCESS');
  });

  it('test rules fails when a rule no longer does what its unit test expects (the unit tests can fail)', async () => {
    const dir = await tempDir('grafana-promtool');
    try {
      await copyFile(join(prometheusDir, 'rules.test.yml'), join(dir.path, 'rules.test.yml'));
      const rules = await readFile(join(prometheusDir, 'rules.yml'), 'utf8');
      await writeFile(join(dir.path, 'rules.yml'), rules.replace('job:rx_demo_job_errors:ratio_rate5m > 0.05', 'job:rx_demo_job_errors:ratio_rate5m > 0.5'));
      const r = await runTool(promtool, ['test', 'rules', join(dir.path, 'rules.test.yml')], '');
      expect(r.code).to.equal(1);
      expect(r.stdout + r.stderr).to.contain('alertname: RxHighErrorRatio');
    } finally {
      await dir.remove();
    }
  });
});
