import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real peer (Prometheus, Pushgateway, StatsD, …) running as a plain child process. */
export interface PeerProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Stops it by PID (SIGTERM, then SIGKILL after `graceMs`) and waits for the exit. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Resolves true once the peer is ready; polled every 50 ms until `timeoutMs`. */
  readonly ready: () => Promise<boolean>;
  readonly timeoutMs?: number;
}

/**
 * Starts `command` and waits until `ready()` says so. Throws with the peer's own output when it
 * exits early or never becomes ready: a missing peer is a failure, never a silent skip.
 */
export async function startPeer(name: string, command: string, args: readonly string[], options: StartOptions): Promise<PeerProcess> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const collect = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('error', resolve);
    child.once('spawn', () => resolve(undefined));
  });
  if (spawnError) throw new Error(`${name}: cannot start ${command}: ${spawnError.message}`);

  const peer: PeerProcess = {
    name,
    pid: child.pid as number,
    child,
    output: () => log,
    async stop(graceMs = 3000) {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    if (exited) throw new Error(`${name} exited early (${exited.code ?? exited.signal}):\n${log}`);
    if (await options.ready().catch(() => false)) return peer;
    if (Date.now() > deadline) {
      await peer.stop();
      throw new Error(`${name} not ready after ${options.timeoutMs ?? 15_000} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks; closed again before returning). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when GET `url` answers 2xx. */
export async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** A temporary directory, removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `rx-telemetry-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
