import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const core = fileURLToPath(new URL('../src/index.js', import.meta.url));

// A child process with one managed part and shutdownOnSignals; it prints READY and waits.
const child = `
import { Telemetry } from ${JSON.stringify(core)};
const bus = new Telemetry();
bus.manage('flusher', async () => { await new Promise((r) => setTimeout(r, 20)); process.stdout.write('FLUSHED\\n'); });
bus.shutdownOnSignals();
setInterval(() => {}, 1000);
process.stdout.write('READY\\n');
`;

function runUntilSignal(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out === 'READY\n') p.kill(signal);
    });
    p.on('error', reject);
    p.on('exit', (code, sig) => resolve({ code, signal: sig, out }));
  });
}

describe('shutdownOnSignals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`runs the shutdown once on ${signal}, then lets the signal end the process as usual`, async () => {
      const r = await runUntilSignal(signal);
      expect([r.out, r.signal, r.code]).to.deep.equal(['READY\nFLUSHED\n', signal, null]);
    });
  }
});
