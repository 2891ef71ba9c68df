// A fixture suite for suite-process.test.ts: reports the process it ran in and the mode it was given.
import { benchMode, type SuiteResult } from '../../src/harness.js';

export async function run(): Promise<SuiteResult> {
  return { suite: 'fixture', cases: [], budgets: [], metrics: { pid: { value: process.pid, unit: 'pid' }, quick: { value: benchMode().quick ? 1 : 0, unit: 'bool' } } };
}
