// The process one suite runs in (see suite-process.ts): `node suite-child.js <suite module> --quick|--full`.
// Sends its results (or its error) to the parent once, then exits even if the suite left a handle open.
import { setMode, type SuiteResult } from './harness.js';
import type { SuiteMessage } from './suite-process.js';

interface SuiteModule {
  run(): Promise<SuiteResult | SuiteResult[]>;
}

const [module, flag] = process.argv.slice(2);
setMode({ quick: flag === '--quick' });
let message: SuiteMessage;
try {
  const mod = (await import(module)) as SuiteModule;
  message = { ok: true, suites: [await mod.run()].flat() };
} catch (e) {
  message = { ok: false, error: (e as Error).stack ?? String(e) };
}
process.send?.(message, () => process.exit(0));
