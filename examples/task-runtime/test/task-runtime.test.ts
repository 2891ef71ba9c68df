import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@rx-telemetry/devkit/peer-process';

// Runs the example twice at once: piped (plain lines) and on a pseudo-terminal through util-linux
// `script` (the view redraws in place), then checks the view and both exports.
const main = fileURLToPath(new URL('../main.js', import.meta.url));
const TASKS = 200;
const TYPES = ['resize', 'thumbnail', 'upload'];
// Task i has type TYPES[i % 3] and fails when i % 10 === 7.
const ids = Array.from({ length: TASKS }, (_, i) => i);
const failed = (type: string): number => ids.filter((i) => TYPES[i % 3] === type && i % 10 === 7).length;
const executed = (type: string): number => ids.filter((i) => TYPES[i % 3] === type && i % 10 !== 7).length;

interface Run { code: number | null; stdout: string; stderr: string }
function run(command: string, argv: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, argv, { timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }));
  });
}

describe('examples/task-runtime', function () {
  this.timeout(30_000);
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let piped: Run;
  let tty: Run;

  before(async () => {
    dir = await tempDir('task-runtime');
    const argv = (name: string): string[] => [main, '--port', '0', '--tasks', String(TASKS), '--json', join(dir.path, `${name}.json`), '--prom', join(dir.path, `${name}.prom`)];
    [piped, tty] = await Promise.all([
      run(process.execPath, argv('piped')),
      run('script', ['-qec', [process.execPath, ...argv('tty')].join(' '), '/dev/null']),
    ]);
  });
  after(() => dir?.remove());

  it('exits on its own with status 0, on a terminal and piped', () => {
    expect(piped.code, piped.stderr).to.equal(0);
    expect(tty.code, tty.stdout).to.equal(0);
  });

  it('shows executed, failed, pending and running tasks while they run, and the final counts last', () => {
    const views = [...piped.stdout.matchAll(/^tasks: executed (\d+), failed (\d+), pending (\d+), running (\d+); ([\d.]+) tasks\/s$/gm)].map((m) => m.slice(1, 5).map(Number));
    expect(views.length).to.be.at.least(2);
    expect(views.at(-1)).to.deep.equal([TASKS - TYPES.reduce((s, t) => s + failed(t), 0), TYPES.reduce((s, t) => s + failed(t), 0), 0, 0]);
    expect(views.slice(0, -1).some(([, , pending, running]) => pending + running > 0)).to.equal(true);
  });

  it('shows p50, p90, p95, p99 and throughput per second for every task type', () => {
    const rows = [...piped.stdout.matchAll(/^ {2}(\w+) +p50 +([\d.]+) ms +p90 +([\d.]+) +p95 +([\d.]+) +p99 +([\d.]+) +([\d.]+)\/s$/gm)];
    expect(new Set(rows.map((r) => r[1]))).to.deep.equal(new Set(TYPES));
    for (const r of rows) {
      const [p50, p90, p95, p99, rate] = r.slice(2).map(Number);
      expect(p50 <= p90 && p90 <= p95 && p95 <= p99, r[0]).to.equal(true);
      expect(rate).to.be.above(0);
    }
  });

  it('exports the final numbers as a JSON snapshot', () => {
    const snapshot = JSON.parse(readFileSync(join(dir.path, 'piped.json'), 'utf8')) as { metrics: { name: string; series: { tags: Record<string, string>; value?: number; total?: { count: number } }[] }[] };
    const byType = (name: string, read: (s: { value?: number; total?: { count: number } }) => number | undefined) =>
      Object.fromEntries(snapshot.metrics.find((m) => m.name === name)!.series.map((s) => [s.tags.type, read(s)]));
    expect(byType('tasks.executed', (s) => s.value)).to.deep.equal(Object.fromEntries(TYPES.map((t) => [t, executed(t)])));
    expect(byType('tasks.failed', (s) => s.value)).to.deep.equal(Object.fromEntries(TYPES.map((t) => [t, failed(t)])));
    expect(byType('tasks.duration', (s) => s.total?.count)).to.deep.equal(Object.fromEntries(TYPES.map((t) => [t, executed(t)])));
  });

  it('exports the same numbers in the Prometheus text format', () => {
    const text = readFileSync(join(dir.path, 'piped.prom'), 'utf8');
    for (const t of TYPES) {
      expect(text).to.contain(`tasks_executed_total{type="${t}"} ${executed(t)}\n`);
      expect(text).to.contain(`tasks_failed_total{type="${t}"} ${failed(t)}\n`);
      expect(text).to.contain(`tasks_duration_seconds_count{type="${t}"} ${executed(t)}\n`);
    }
    expect(text).to.match(/^tasks_queue_pending 0$/m);
  });

  it('redraws the view in place on a terminal, and prints plain lines when piped', () => {
    expect(tty.stdout).to.contain('\x1b[4A\x1b[J');
    expect(piped.stdout).not.to.contain('\x1b[');
  });
});
