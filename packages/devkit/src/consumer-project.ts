import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { root } from './repo-root.js';
import type { WorkspacePackage } from './workspace-packages.js';

const require = createRequire(import.meta.url);
const ts = require('typescript') as typeof import('typescript');

// A project of one's own, outside the workspace: the public packages packed with `pnpm pack`
// (which turns `workspace:*` into real versions) and installed from the tarballs with plain npm,
// as docs/getting-started.md says. Used by test/consumer.test.ts.

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (never rejects on a non-zero exit; rejects when it cannot start). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code === 'string') return reject(new Error(`cannot run ${command}: ${error.message}`));
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
      },
    );
  });
}

/** Fails with the command's output unless it exited with 0. */
export function expectSuccess(what: string, r: CommandResult): CommandResult {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code})\n${r.stdout}\n${r.stderr}`);
  return r;
}

// npm and pnpm hand their settings to child processes as npm_* variables (npm_config_prefix,
// npm_config_frozen_lockfile, …): a project of one's own must not inherit the workspace's. Network
// settings stay, so a mirror or proxy set for CI still applies.
const KEEP = /^npm_config_(registry|cache|userconfig|proxy|https_proxy|http_proxy|noproxy|no_proxy|strict_ssl|cafile|ca|fetch_.*|@.*:registry|\/\/.*)$/i;

/** The environment for npm in the consumer project: this process's, without workspace npm_* settings. */
export function consumerEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(base).filter(([k]) => !/^npm_/i.test(k) || KEEP.test(k)));
}

const pnpmBin = join(root, '.tools', 'node_modules', '.bin', 'pnpm');

/**
 * `pnpm pack`s the packages into `dest` in one recursive run (workspace protocols resolved from the
 * workspace graph) and returns name → tarball path.
 */
export async function packPackages(packages: readonly WorkspacePackage[], dest: string): Promise<Map<string, string>> {
  mkdirSync(dest, { recursive: true });
  const filters = packages.flatMap((p) => ['--filter', p.name]);
  const r = expectSuccess('pnpm pack', await runCommand(pnpmBin, ['-r', ...filters, 'pack', '--pack-destination', dest, '--json'], { cwd: root }));
  const packed = JSON.parse(r.stdout) as { name: string; filename: string } | { name: string; filename: string }[];
  const tarballs = new Map((Array.isArray(packed) ? packed : [packed]).map((p) => [p.name, p.filename]));
  const missing = packages.filter((p) => !tarballs.has(p.name) || !existsSync(tarballs.get(p.name)!)).map((p) => p.name);
  if (missing.length > 0) throw new Error(`pnpm pack made no tarball for ${missing.join(', ')}\n${r.stdout}\n${r.stderr}`);
  return tarballs;
}

/** The specifiers a package's `exports` map offers (patterns and ./package.json left out). */
export function exportSpecifiers(pkg: WorkspacePackage): string[] {
  const keys = Object.keys(pkg.manifest.exports ?? { '.': null });
  return keys.filter((k) => k !== './package.json' && !k.includes('*')).map((k) => (k === '.' ? pkg.name : `${pkg.name}${k.slice(1)}`));
}

/**
 * Compiles the project in `dir` by its tsconfig.json (the workspace's TypeScript, the project's own
 * node_modules) and returns the errors in its own files and in the declarations of `scope`
 * packages (`@rx-telemetry/`): those are checked even with skipLibCheck off, while other libraries'
 * declarations are not checked (their errors are not ours, and checking them costs seconds).
 */
export function compileProject(dir: string, scope = `node_modules${sep}@rx-telemetry${sep}`): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (config === undefined) throw new Error(`cannot read ${join(dir, 'tsconfig.json')}`);
  const program = ts.createProgram({ rootNames: config.fileNames, options: { ...config.options, skipLibCheck: false } });
  const ours = program.getSourceFiles().filter((f) => {
    const rel = relative(dir, f.fileName);
    return !rel.startsWith('..') && (!rel.includes('node_modules') || rel.startsWith(scope));
  });
  const diagnostics = [
    ...config.errors,
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...ours.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
    ...program.emit().diagnostics,
  ];
  return diagnostics.map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file === undefined || d.start === undefined) return `TS${d.code}: ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${relative(dir, d.file.fileName)}(${line + 1},${character + 1}): TS${d.code}: ${text}`;
  });
}
