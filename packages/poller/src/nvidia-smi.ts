import type { Telemetry } from '@rx-telemetry/core';
import { execFile } from 'node:child_process';
import { NVIDIA_GPU_EVENT } from './events.js';
import { NVIDIA_SMI_ARGS, parseNvidiaSmi } from './nvidia-smi-parse.js';
import { SourceUnavailable, type Source } from './source.js';

export interface NvidiaSmiOptions {
  /** The nvidia-smi executable, a name looked up on PATH or a path. Default `'nvidia-smi'`. */
  readonly command?: string;
  /** A query that takes longer is killed and counts as a failure. Default 5000. */
  readonly timeoutMs?: number;
}

/**
 * `['gpu','nvidia']`, one event per GPU with metadata `{index, uuid, name}`. When the command
 * does not exist the source is dropped silently: no GPU, no events, no error.
 */
export function nvidiaSmiSource(telemetry: Telemetry, options: NvidiaSmiOptions = {}): Source {
  const event = telemetry.event(NVIDIA_GPU_EVENT);
  const command = options.command ?? 'nvidia-smi';
  const timeout = options.timeoutMs ?? 5000;
  const abort = new AbortController();
  let inFlight: Promise<void> | undefined;

  const query = async (): Promise<void> => {
    const csv = await new Promise<string>((resolve, reject) => {
      execFile(command, NVIDIA_SMI_ARGS, { timeout, signal: abort.signal, encoding: 'utf8', windowsHide: true }, (error, stdout, stderr) => {
        if (error === null) resolve(stdout);
        else if ((error as NodeJS.ErrnoException).code === 'ENOENT') reject(new SourceUnavailable(`${command} not found`));
        else if (abort.signal.aborted) resolve('');
        else reject(new Error(`${command} failed: ${error.killed ? `killed after ${timeout} ms` : error.message.trim()}${stderr ? `; stderr: ${stderr.trim()}` : ''}`));
      });
    });
    if (abort.signal.aborted) return;
    for (const gpu of parseNvidiaSmi(csv)) event.emit(gpu.measurements, gpu.metadata);
  };

  return {
    name: 'gpu',
    poll() {
      // A slow nvidia-smi must not pile up processes: skip the poll while one runs.
      if (inFlight !== undefined || !event.active) return inFlight;
      inFlight = query().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    stop() {
      abort.abort();
    },
  };
}
