// `pnpm bench --soak` (or `pnpm bench all --soak`): runs soak-run.ts in a fresh process, so its
// memory readings are not those of the suites that ran before it. Not part of --quick.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { report, type Metric, type SuiteResult } from './harness.js';
import { progress } from './progress.js';

type FromSoak = { readonly progress: string } | { readonly metrics: Record<string, Metric> } | { readonly error: string };

export async function run(): Promise<SuiteResult> {
  const child = fork(fileURLToPath(new URL('./soak-run.js', import.meta.url)), [], { execArgv: ['--expose-gc'] });
  const metrics = await new Promise<Record<string, Metric>>((resolve, reject) => {
    let done = false;
    child.on('message', (m: FromSoak) => {
      if ('progress' in m) progress.step(m.progress);
      else if ('metrics' in m) {
        done = true;
        resolve(m.metrics);
      } else {
        done = true;
        reject(new Error(m.error));
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => done || reject(new Error(`the soak process exited with ${code}`)));
  });
  return report('soak', [], [], [], { metrics });
}
