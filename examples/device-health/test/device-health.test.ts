import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Runs the example for 2 s with a report every 250 ms (lavapipe on a GPU-less machine). The
// statuses depend on the hardware, so the test checks that every report follows the rules.
const main = fileURLToPath(new URL('../main.js', import.meta.url));
const RANK = { healthy: 0, degraded: 1, critical: 2 } as const;
type Status = keyof typeof RANK;

interface Report { t: number; status: Status; checks: Record<string, Status>; counts: Record<string, number>; total: number; slowPercent: number }

function parse(line: string): Report {
  const m = /^t=([\d.]+)s health=(\w+) (.*) \| (\d+) dispatches in the last second: (.*); (\d+)% slow$/.exec(line);
  if (m === null) throw new Error(`not a report line: ${line}`);
  const checks = Object.fromEntries(m[3].split(' ').map((kv) => kv.split('='))) as Record<string, Status>;
  const counts = Object.fromEntries(m[5].split(', ').map((kv) => [kv.split(' ')[0], Number(kv.split(' ')[1])]));
  return { t: Number(m[1]), status: m[2] as Status, checks, counts, total: Number(m[4]), slowPercent: Number(m[6]) };
}

describe('examples/device-health', function () {
  this.timeout(30_000);
  let run: { code: number | null; stdout: string; stderr: string };
  let reports: Report[];

  before(async () => {
    run = await new Promise((resolve) => {
      execFile(process.execPath, [main, '--seconds', '2', '--report-ms', '250'], { timeout: 20_000 }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }));
    });
    reports = run.stdout.split('\n').filter((l) => l.startsWith('t=')).map(parse);
  });

  it('exits on its own with status 0 after one shutdown that stops the device first', () => {
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^stopped: webgpu:gpu0, report, health-monitor, hdr-aggregator$/m);
  });

  it('reports periodically, the last report after the workload', () => {
    expect(reports.length).to.be.at.least(3);
    expect(reports.map((r) => r.t)).to.deep.equal([...reports.map((r) => r.t)].sort((a, b) => a - b));
  });

  it('sorts the dispatches into the four performance categories, which add up', () => {
    for (const r of reports) {
      expect(Object.keys(r.counts)).to.deep.equal(['fast', 'normal', 'slow', 'very_slow']);
      expect(Object.values(r.counts).reduce((s, n) => s + n, 0)).to.equal(r.total);
    }
    expect(reports.some((r) => r.total > 0)).to.equal(true);
  });

  it("rates the device by the share of slow dispatches: under 10 % healthy, under 50 % degraded, else critical", () => {
    for (const r of reports) {
      const share = r.total === 0 ? 0 : (r.counts.slow + r.counts.very_slow) / r.total;
      expect(r.slowPercent).to.equal(Math.round(share * 100));
      expect(r.checks.device).to.equal(share >= 0.5 ? 'critical' : share >= 0.1 ? 'degraded' : 'healthy');
    }
  });

  it("has the process's own checks beside the device's, and the overall status is the worst of them", () => {
    for (const r of reports) {
      expect(Object.keys(r.checks)).to.include.members(['eventLoop', 'heap', 'handlerFailures', 'device']);
      const worst = Object.values(r.checks).reduce<Status>((w, s) => (RANK[s] > RANK[w] ? s : w), 'healthy');
      expect(r.status).to.equal(worst);
    }
  });
});
