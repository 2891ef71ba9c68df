#!/usr/bin/env node
// Runs every package's tests one package at a time (they start real peers; two cores), streams
// their output, and ends with one summary line: "tests: N passed, N failed".
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectEnv, root, pnpmBin } from './env.mjs';

// Every folder of packages/ and examples/, grafana/ (the dashboards and rules with their tests)
// and bench/ (the bench tool's own tests; no benchmark runs there).
const dirs = ['packages', 'examples']
  .flatMap((group) => (existsSync(join(root, group)) ? readdirSync(join(root, group)).map((d) => join(root, group, d)) : []))
  .concat(join(root, 'grafana'), join(root, 'bench'))
  .filter((dir) => {
    const file = join(dir, 'package.json');
    return existsSync(file) && typeof JSON.parse(readFileSync(file, 'utf8')).scripts?.test === 'string';
  })
  .sort();

function runTests(dir) {
  return new Promise((resolve) => {
    const child = spawn(pnpmBin, ['test'], { cwd: dir, env: projectEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const tee = (stream) => (chunk) => {
      out += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    child.on('close', (code, signal) => {
      const count = (word) => Number(out.match(new RegExp(`^\\s*(\\d+) ${word}`, 'm'))?.[1] ?? 0);
      resolve({ code: code ?? (signal ? 1 : 0), passed: count('passing'), failed: count('failing'), pending: count('pending') });
    });
  });
}

let passed = 0;
let failed = 0;
let pending = 0;
const broken = [];
for (const dir of dirs) {
  const name = dir.slice(root.length + 1);
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = await runTests(dir);
  passed += r.passed;
  failed += r.failed;
  pending += r.pending;
  if (r.code !== 0) broken.push(r.failed === 0 ? `${name} (exit ${r.code})` : name);
}
if (broken.length) console.log(`\nfailed packages: ${broken.join(', ')}`);
// A package that crashed before mocha could count still fails the run.
if (failed === 0 && broken.length) failed = broken.length;
console.log(`\ntests: ${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
process.exit(broken.length === 0 && failed === 0 ? 0 : 1);
