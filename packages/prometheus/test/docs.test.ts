import { runTool } from '@rx-telemetry/devkit/prometheus';
import { tempDir } from '@rx-telemetry/devkit/peer-process';
import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOC = fileURLToPath(new URL('../../../../docs/reporters/prometheus.md', import.meta.url));

describe('docs/reporters/prometheus.md', () => {
  it('its prometheus.yml passes promtool check config (credentials_file pointed at a real file)', async () => {
    const markdown = await readFile(DOC, 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(markdown)?.[1];
    expect(yaml, 'no ```yaml block').to.be.a('string');
    const dir = await tempDir('promconfig');
    try {
      const token = join(dir.path, 'token');
      await writeFile(token, 'secret\n');
      const files = [...(yaml as string).matchAll(/credentials_file: (\S+)/g)].map((m) => m[1]);
      expect(files).to.deep.equal(['/etc/prometheus/shop-metrics.token']);
      const config = join(dir.path, 'prometheus.yml');
      await writeFile(config, (yaml as string).replace(files[0], token));
      const r = await runTool('/usr/bin/promtool', ['check', 'config', config], '');
      expect({ code: r.code, out: r.stdout + r.stderr }).to.include({ code: 0 });
      expect(r.stdout + r.stderr).to.contain('SUCCESS');
    } finally {
      await dir.remove();
    }
  });

  it('promtool check config rejects a broken config, so the check above can fail', async () => {
    const dir = await tempDir('promconfig');
    try {
      const config = join(dir.path, 'prometheus.yml');
      await writeFile(config, 'scrape_configs:\n  - job_name: x\n    static_configs:\n      - targets: [127.0.0.1]\n    scrape_interval: nonsense\n');
      const r = await runTool('/usr/bin/promtool', ['check', 'config', config], '');
      expect(r.code).to.equal(1);
    } finally {
      await dir.remove();
    }
  });
});
