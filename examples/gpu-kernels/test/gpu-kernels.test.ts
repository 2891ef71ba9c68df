import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@rx-telemetry/devkit/peer-process';

// Runs the example as a child process (lavapipe on a GPU-less machine) and checks its report,
// its profile and its two log files.
const main = fileURLToPath(new URL('../main.js', import.meta.url));
const JOBS = 3;

interface TraceEvent { ph: string; name: string; id?: number; cat?: string; args?: Record<string, unknown> }
const json = (file: string): Record<string, unknown>[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('examples/gpu-kernels', function () {
  this.timeout(40_000);
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let run: { code: number | null; stdout: string; stderr: string };

  before(async () => {
    dir = await tempDir('gpu-kernels');
    run = await new Promise((resolve) => {
      execFile(process.execPath, [main, '--jobs', String(JOBS), '--rate', '10', '--out', dir.path], { timeout: 30_000 }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }));
    });
  });
  after(() => dir?.remove());

  it('exits on its own with status 0', () => {
    expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
  });

  it('reports every kernel: runs, runs per second, p50/p99, GPU time and throughput', () => {
    const rows = new Map([...run.stdout.matchAll(/^(\w+) +(\d+) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.-]+) +([\d.-]+)$/gm)].map((m) => [m[1], Number(m[2])]));
    // reduce_sum folds 65,536 values in two levels: two dispatches per job.
    expect(Object.fromEntries(rows)).to.deep.equal({ vector_add: JOBS, reduce_sum: 2 * JOBS, matmul: JOBS, hdc_cosine: JOBS });
  });

  it('reports the bytes and bandwidth of each transfer direction', () => {
    for (const direction of ['host_to_device', 'device_to_host', 'device_to_device']) {
      expect(run.stdout).to.match(new RegExp(`^transfer ${direction}: [1-9]\\d* bytes, [\\d.]+ GB/s while transferring$`, 'm'));
    }
  });

  it('fires the compile-failure alert for the broken shader, and resolves it at shutdown', () => {
    expect(run.stdout).to.contain('alert KernelCompileFailed firing {"kernel":"broken"}');
    expect(run.stdout).to.contain('alert KernelCompileFailed resolved {"kernel":"broken"}');
  });

  it('writes a profile of job-1 alone: Chrome trace events, every span begun and ended', () => {
    const trace = JSON.parse(readFileSync(join(dir.path, 'job-1.trace.json'), 'utf8')) as { traceEvents: TraceEvent[] };
    const spans = trace.traceEvents.filter((e) => e.cat === 'span');
    const begun = spans.filter((e) => e.ph === 'b');
    expect(begun.filter((e) => e.name === 'app.job').map((e) => e.args?.correlationId)).to.deep.equal(['job-1']);
    expect(begun.some((e) => e.name === 'compute.kernel.dispatch')).to.equal(true);
    expect(spans.filter((e) => e.ph === 'e')).to.have.length(begun.length);
    expect(trace.traceEvents.some((e) => e.ph === 'C')).to.equal(true);
  });

  it('logs every kernel and transfer event to compute.jsonl, and failures and alerts to errors.jsonl', () => {
    const compute = json(join(dir.path, 'compute.jsonl'));
    expect(compute.filter((l) => l.msg === 'compute.kernel.dispatch.stop')).to.have.length(5 * JOBS);
    expect(compute.every((l) => typeof l.msg === 'string' && /^compute\.(kernel|memory\.transfer)\./.test(l.msg))).to.equal(true);
    const errors = json(join(dir.path, 'errors.jsonl')).map((l) => l.msg);
    expect(errors).to.include.members(['compute.kernel.compile.exception', 'compute.device.error', 'telemetry.alert.fired', 'telemetry.alert.resolved']);
    expect(run.stdout).to.match(new RegExp(`compute\\.jsonl \\(${compute.length} lines\\), .*errors\\.jsonl \\(${errors.length} lines\\)`));
  });
});
