import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Runs the example as a child process (in the project environment `npm test` provides: lavapipe
// on a machine without a GPU) and checks what the device's events reported.
const main = fileURLToPath(new URL('../main.js', import.meta.url));
const SIZES = [32, 64, 128];
const RUNS = 5;
const bytes = (n: number): number => n * n * 4;

describe('examples/webgpu-matmul', function () {
  this.timeout(30_000);
  let run: { code: number | null; stdout: string; stderr: string };

  before(async () => {
    run = await new Promise((resolve) => {
      execFile(process.execPath, [main], { timeout: 25_000 }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }));
    });
  });

  it('exits on its own with status 0, every multiplication verified against the CPU', () => {
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(`${SIZES.length * RUNS} multiplications, ${SIZES.length * RUNS} verified against the CPU`);
  });

  it('reports each size from its own span, and the dispatches and compilations of the plain WebGPU code', () => {
    for (const n of SIZES) expect(run.stdout).to.match(new RegExp(`^n=${n}: p50 \\d+\\.\\d{3} ms, max \\d+\\.\\d{3} ms end to end`, 'm'));
    expect(run.stdout).to.match(new RegExp(`^dispatch my_matmul: ${SIZES.length * RUNS} times, p50 \\d+\\.\\d{3} ms \\(CPU side\\)$`, 'm'));
    expect(run.stdout).to.contain('compiled my_matmul: 1 time(s)');
  });

  it('counts every byte moved, exactly: uploads (A, B, the uniform), readbacks and the copy', () => {
    const sum = (f: (n: number) => number): number => RUNS * SIZES.reduce((s, n) => s + f(n), 0);
    expect(run.stdout).to.contain(`transfer host_to_device: ${sum((n) => 2 * bytes(n) + 16)} bytes`);
    expect(run.stdout).to.contain(`transfer device_to_host: ${sum(bytes)} bytes`);
    expect(run.stdout).to.contain(`transfer device_to_device: ${sum(bytes)} bytes`);
  });

  it('sees every buffer freed, and the peak of the largest multiplication', () => {
    const n = Math.max(...SIZES);
    expect(run.stdout).to.contain(`device memory: {"liveBytes":0,"peakBytes":${4 * bytes(n) + 16},"buffers":0}`);
  });
});
