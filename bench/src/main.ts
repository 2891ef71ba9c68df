// `pnpm bench [suite...]`: runs every *.bench.js suite beside this file (or the named ones),
// one after another in this process.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SuiteResult } from './harness.js';

interface SuiteModule {
  run(): Promise<SuiteResult | SuiteResult[]>;
}

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .map((f) => f.slice(0, -'.bench.js'.length))
  .sort((a, b) => (a === 'core' ? -1 : b === 'core' ? 1 : a.localeCompare(b)));

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!available.includes(name)) {
    console.error(`unknown suite ${name}; known: ${available.join(', ')}`);
    process.exit(2);
  }
}
let missed = 0;
for (const name of wanted.length === 0 ? available : wanted) {
  const mod = (await import(`./${name}.bench.js`)) as SuiteModule;
  const results = await mod.run();
  for (const r of [results].flat()) missed += r.budgets.filter((b) => !b.ok).length;
}
console.log(`\n${missed === 0 ? 'all budgets met' : `${missed} budget(s) missed`} (results in bench/results/)`);
