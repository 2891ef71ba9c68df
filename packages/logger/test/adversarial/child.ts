import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'logging-child.js');

export interface ChildResult {
  readonly code: number | null;
  readonly stderr: string;
  readonly stats: { written: number; dropped: number; failures: string[] } | undefined;
}

/**
 * Runs logging-child.js; with `fileSizeLimitKiB`, under `ulimit -f` (writes past it fail with
 * EFBIG after a partial write: a disk that fills up in the middle of a line).
 */
export function runLoggingChild(args: { writer: string; destination: string; n: number; mode: 'stop' | 'exit'; fileSizeLimitKiB?: number }): Promise<ChildResult> {
  const argv = [CHILD, args.writer, args.destination, String(args.n), args.mode];
  const [cmd, cmdArgs] =
    args.fileSizeLimitKiB === undefined
      ? [process.execPath, argv]
      : ['bash', ['-c', `ulimit -f ${args.fileSizeLimitKiB} && exec "$0" "$@"`, process.execPath, ...argv]];
  return new Promise((resolve) => {
    execFile(cmd, cmdArgs, { timeout: 30_000 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').at(-1);
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr, stats: line ? (JSON.parse(line) as ChildResult['stats']) : undefined });
    });
  });
}
