import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NVIDIA_SMI_ARGS } from '../src/index.js';

/** A directory holding an executable `nvidia-smi` that answers like the real one. */
export interface FakeNvidiaSmi {
  readonly dir: string;
  readonly command: string;
  remove(): Promise<void>;
}

/**
 * Writes a shell script named nvidia-smi that prints `stdout` and exits `exitCode` — but only
 * when called with exactly the arguments the poller must pass; otherwise it fails like a
 * mistyped query would.
 */
export async function fakeNvidiaSmi(stdout: string, options: { exitCode?: number; stderr?: string; sleepS?: number; hang?: boolean } = {}): Promise<FakeNvidiaSmi> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-nvidia-smi-'));
  const command = join(dir, 'nvidia-smi');
  const expected = NVIDIA_SMI_ARGS.join(' ');
  await writeFile(
    command,
    [
      '#!/bin/sh',
      `if [ "$*" != '${expected}' ]; then echo "unexpected arguments: $*" >&2; exit 2; fi`,
      options.sleepS ? `sleep ${options.sleepS}` : '',
      // exec: a kill then reaches the sleeping process itself, leaving no orphan behind.
      options.hang ? 'exec sleep 30' : '',
      `printf '%s' '${stdout.replace(/'/g, `'\\''`)}'`,
      options.stderr ? `printf '%s' '${options.stderr}' >&2` : '',
      `exit ${options.exitCode ?? 0}`,
      '',
    ].join('\n'),
  );
  await chmod(command, 0o755);
  return { dir, command, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Two GPUs as nvidia-smi prints them with --format=csv,noheader,nounits. */
export const TWO_GPUS =
  '0, GPU-6b3f8c2e-1d4a-4f5b-9c7e-2a1b3c4d5e6f, NVIDIA H100 80GB HBM3, 37, 1024, 81559, 41, 120.52\n' +
  '1, GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d, NVIDIA H100 80GB HBM3, 0, 3, 81559, 29, [N/A]\n';
