#!/usr/bin/env node
// Idempotent set-up: everything `npm run demo` and `npm test` need on a machine that has
// only Node 20 + npm. Each step checks first and does nothing when already done.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, toolsDir, pnpmBin, projectEnv } from './env.mjs';

const PNPM_VERSION = '10.34.9';
const CI = process.env.CI === 'true' || process.env.CI === '1';

function step(name) {
  process.stdout.write(`[setup] ${name}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env: projectEnv(), ...opts });
  if (r.status !== 0) throw new Error(`[setup] ${cmd} ${args.join(' ')} failed with ${r.status ?? r.signal}`);
}

function output(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

// 1. pnpm, project-local so the machine's global packages are left alone.
function ensurePnpm() {
  if (output(pnpmBin, ['--version']) === PNPM_VERSION) return;
  step(`installing pnpm ${PNPM_VERSION} into .tools/`);
  run('npm', ['install', '--prefix', toolsDir, '--no-audit', '--no-fund', '--loglevel=error', `pnpm@${PNPM_VERSION}`]);
}

// 2. Real peers from Debian: the tests talk to these, never to mocks.
const APT_PEERS = [
  { pkg: 'prometheus', present: () => existsSync('/usr/bin/prometheus') && existsSync('/usr/bin/promtool') },
  { pkg: 'prometheus-pushgateway', present: () => existsSync('/usr/bin/prometheus-pushgateway') },
  { pkg: 'prometheus-alertmanager', present: () => existsSync('/usr/bin/prometheus-alertmanager') },
  {
    pkg: 'python3-prometheus-client',
    present: () => spawnSync('/usr/bin/python3', ['-c', 'import prometheus_client.openmetrics.parser'], { stdio: 'ignore' }).status === 0,
  },
  { pkg: 'libvulkan1', present: () => libraryPresent('libvulkan.so.1') },
];

function libraryPresent(name) {
  return ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/lib/x86_64-linux-gnu'].some((d) =>
    existsSync(join(d, name)),
  );
}

function ensureAptPeers() {
  const missing = APT_PEERS.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  step(`installing Debian packages: ${missing.join(' ')}`);
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const apt = (...args) => {
    const [cmd, ...rest] = [...asRoot, 'apt-get', ...args];
    run(cmd, rest, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  apt('update', '-qq');
  // The Debian packages would start their daemons on every interface (0.0.0.0:9090, :9091, :9093)
  // from their maintainer scripts. Tests start them themselves on 127.0.0.1, so keep the install
  // from starting anything: a policy-rc.d that denies, only for the install, only if none exists.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = asRoot.length === 0 && !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\n# rx-telemetry set-up: no service starts during its apt-get install\nexit 101\n', { mode: 0o755 });
  try {
    apt('install', '-y', '-qq', '--no-install-recommends', ...missing);
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  const still = APT_PEERS.filter((p) => !p.present()).map((p) => p.pkg);
  if (still.length > 0) throw new Error(`[setup] still missing after apt-get: ${still.join(' ')}`);
}

// 3. Optional steps contributed by packages (e.g. the lavapipe driver for WebGPU).
async function runContributedSteps() {
  const dir = join(root, 'packages', 'devkit', 'setup', 'steps');
  if (!existsSync(dir)) return;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()) {
    const mod = await import(join(dir, file));
    await mod.default({ root, step, run, output, ci: CI });
  }
}

// 4. Dependencies from the lockfile, then an incremental build (a no-op when up to date).
function installAndBuild() {
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  // pnpm keeps a copy of the lockfile it installed; equal copies mean nothing to do.
  const read = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined);
  const lock = read(join(root, 'pnpm-lock.yaml'));
  const upToDate = lock !== undefined && lock === read(join(root, 'node_modules', '.pnpm', 'lock.yaml'));
  if (!upToDate) {
    step('installing dependencies (pnpm install)');
    run(pnpmBin, ['install', ...frozen, '--reporter=append-only']);
  }
  step('building (tsc -b)');
  run(pnpmBin, ['exec', 'tsc', '-b']);
}

try {
  ensurePnpm();
  ensureAptPeers();
  await runContributedSteps();
  installAndBuild();
  step('ready');
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
