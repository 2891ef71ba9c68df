// Each suite runs in a process of its own, one after another. In one shared process a suite's
// numbers depended on the suites before it: by the time the hdr suite ran, the core suite had sent
// dozens of handler shapes through core's dispatch and V8 had made its call sites megamorphic, so
// `hdr-record` read 81 ns for a distribution that costs 60 ns measured alone, and the exemplar
// pairs read +70/+54 ns where alone they read +12/-1 ns (full run of 2026-12-01). A clean suite
// measures a clean process; the megamorphic process an application is, is measured on purpose by
// the `realistic` suite, with its own budgets. The cost is one Node start-up per suite (~0.1 s).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { SuiteResult } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));

/** What a suite's process sends back once: its results, or why it failed. */
export type SuiteMessage = { readonly ok: true; readonly suites: SuiteResult[] } | { readonly ok: false; readonly error: string };

/** The module file of a suite (`soak` is a suite of its own, run only when asked for). */
export function suiteModule(name: string): string {
  return name === 'soak' ? './soak.js' : `./${name}.bench.js`;
}

/**
 * Runs one suite in a fresh Node process (same flags as this one, `--expose-gc` included) and
 * resolves with its results; rejects with the suite's error, or when the process dies without
 * sending any (a crash, a signal). `module` is the suite's file, resolved from this folder.
 */
export function runSuiteProcess(name: string, quick: boolean, module: string = suiteModule(name)): Promise<SuiteResult[]> {
  return new Promise((resolve, reject) => {
    const execArgv = process.execArgv.includes('--expose-gc') ? process.execArgv : [...process.execArgv, '--expose-gc'];
    const child = fork(join(here, 'suite-child.js'), [module, quick ? '--quick' : '--full'], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let message: SuiteMessage | undefined;
    child.on('message', (m: SuiteMessage) => {
      message = m;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (message?.ok === true) resolve(message.suites);
      else if (message?.ok === false) reject(new Error(message.error));
      else reject(new Error(`the ${name} suite's process exited (${signal ?? `code ${code}`}) without results`));
    });
  });
}
