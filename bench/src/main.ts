// `pnpm bench [suite...]`: runs every suite (or the named ones) in this process, one after another.
import type { SuiteResult } from './harness.js';

type Suite = () => Promise<SuiteResult | SuiteResult[]>;

const suites: Record<string, () => Promise<Suite>> = {
  core: async () => (await import('./core.bench.js')).run,
};

const wanted = process.argv.slice(2);
const names = wanted.length === 0 ? Object.keys(suites) : wanted;
let missed = 0;
for (const name of names) {
  const load = suites[name];
  if (!load) {
    console.error(`unknown suite ${name}; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  const results = await (await load())();
  for (const r of [results].flat()) missed += r.budgets.filter((b) => !b.ok).length;
}
console.log(`\n${missed === 0 ? 'all budgets met' : `${missed} budget(s) missed`} (results in bench/results/)`);
