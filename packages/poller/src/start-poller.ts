import { timeMeasurements, type Telemetry } from '@rx-telemetry/core';
import { activeSource } from './active.js';
import { BUILTIN_MEASUREMENTS, DEFAULT_MEASUREMENTS, type BuiltinMeasurement } from './builtins.js';
import { cpuSource } from './cpu.js';
import { customSource, type CustomMeasurement } from './custom.js';
import { eventLoopLagSource } from './event-loop-lag.js';
import { eventLoopSource } from './event-loop.js';
import { POLLER_FAILURE_EVENT } from './events.js';
import { gcSource } from './gc.js';
import { heapSpacesSource } from './heap-spaces.js';
import { memorySource } from './memory.js';
import { nvidiaSmiSource, type NvidiaSmiOptions } from './nvidia-smi.js';
import { checkPresetName, pollerPreset, type PresetName } from './preset.js';
import { processSource } from './process-info.js';
import { SourceUnavailable, type Source } from './source.js';

export type PollerMeasurement = BuiltinMeasurement | CustomMeasurement;

export interface PollerOptions {
  /** Milliseconds between polls. The first poll runs one period after the start. */
  readonly periodMs: number;
  /** What to poll. Default: `DEFAULT_MEASUREMENTS`, or none besides the preset's when `preset` is given. */
  readonly measurements?: readonly PollerMeasurement[];
  /**
   * Also poll what a preset's metric definitions need (`pollerPreset(name).measurements`): give
   * the same preset's `metrics` to the aggregator.
   */
  readonly preset?: PresetName;
  /** Sampling interval of the event-loop delay monitor, ms. Default 10. */
  readonly eventLoopResolutionMs?: number;
  /** Where nvidia-smi is and how long it may take. */
  readonly nvidiaSmi?: NvidiaSmiOptions;
}

export interface Poller {
  /**
   * Polls every measurement now; resolves when all of them (nvidia-smi included) are done. An
   * async measurement still running from an earlier poll is skipped, not called again.
   */
  poll(): Promise<void>;
  /** Names of the measurements still polled (failed and unavailable ones are dropped). */
  measurements(): string[];
  /**
   * Stops polling: clears the timer at once, lets a poll in progress finish (at most
   * `STOP_WAIT_MS`) so its round is emitted whole, then releases observers, histograms and a
   * still-running nvidia-smi; nothing is emitted after it resolves. Idempotent: every call returns
   * the same promise; `telemetry.shutdown()` calls it.
   */
  stop(): Promise<void>;
}

const MAX_TIMER_MS = 2_147_483_647;
/** The longest `stop()` waits for async measurements of a poll in progress. */
export const STOP_WAIT_MS = 1000;
let pollerSeq = 0;

/**
 * Emits VM (and NVIDIA GPU) measurements every `periodMs`, like Elixir's telemetry_poller:
 * `['vm','memory']`, `['vm','cpu']`, `['vm','event_loop']`, `['vm','gc']`, `['gpu','nvidia']` by
 * default, heap spaces, active resources, event-loop lag and process facts on request, what a
 * `preset` needs, plus your own. A measurement that throws is dropped and reported once as
 * `['telemetry','poller','failure']`; the timer is unref'd and never keeps the process alive.
 * Registered with the bus: create it after the aggregator it feeds, so shutdown stops it first.
 *
 * ```ts
 * const poller = startPoller(telemetry, {
 *   periodMs: 5_000,
 *   measurements: ['memory', 'cpu', { event: ['app', 'queue'], measure: () => ({ length: queue.length }) }],
 * });
 * telemetry.attach('rss', ['vm', 'memory'], (_e, m) => console.log(m.rss));
 * // later; telemetry.shutdown() does the same
 * await poller.stop();
 * ```
 */
export function startPoller(telemetry: Telemetry, options: PollerOptions): Poller {
  if (telemetry === null || typeof telemetry !== 'object' || typeof telemetry.event !== 'function' || typeof telemetry.manage !== 'function') {
    throw new TypeError('startPoller: telemetry must be a Telemetry instance');
  }
  if (options === null || typeof options !== 'object') throw new TypeError('startPoller: options must be an object with periodMs');
  const { periodMs } = options;
  if (typeof periodMs !== 'number' || !(periodMs > 0) || periodMs > MAX_TIMER_MS) {
    throw new TypeError(`startPoller: periodMs must be a positive number of milliseconds up to ${MAX_TIMER_MS}, got ${String(periodMs)}`);
  }
  const resolution = options.eventLoopResolutionMs ?? 10;
  if (typeof resolution !== 'number' || !Number.isInteger(resolution) || resolution < 1) {
    throw new TypeError(`startPoller: eventLoopResolutionMs must be an integer >= 1, got ${String(resolution)}`);
  }
  const given = options.measurements ?? (options.preset === undefined ? DEFAULT_MEASUREMENTS : []);
  if (!Array.isArray(given)) throw new TypeError('startPoller: measurements must be an array');
  checkMeasurements(given);
  if (options.preset !== undefined) checkPresetName(options.preset, 'startPoller: preset');
  // The preset's built-ins after the given ones, each once.
  const wanted: readonly PollerMeasurement[] =
    options.preset === undefined ? given : [...given, ...pollerPreset(options.preset).measurements.filter((m) => !given.includes(m))];
  checkNvidiaSmi(options.nvidiaSmi);

  let sources: Source[] = [];
  try {
    wanted.forEach((m, i) => {
      switch (m) {
        case 'memory': return void sources.push(memorySource(telemetry));
        case 'cpu': return void sources.push(cpuSource(telemetry));
        case 'event_loop': return void sources.push(eventLoopSource(telemetry, resolution));
        case 'event_loop_lag': return void sources.push(eventLoopLagSource(telemetry));
        case 'gc': return void sources.push(gcSource(telemetry));
        case 'heap_spaces': return void sources.push(heapSpacesSource(telemetry));
        case 'active': return void sources.push(activeSource(telemetry));
        case 'process': return void sources.push(processSource(telemetry));
        case 'gpu': return void sources.push(nvidiaSmiSource(telemetry, options.nvidiaSmi));
        default: return void sources.push(customSource(telemetry, m, i));
      }
    });
  } catch (error) {
    // A bad custom measurement: release what the sources before it already hold (observers, histograms).
    for (const source of sources) source.stop?.();
    throw error;
  }
  let stopped = false;

  const drop = (source: Source, error: unknown): void => {
    sources = sources.filter((s) => s !== source);
    source.stop?.();
    if (error instanceof SourceUnavailable || stopped) return;
    telemetry.emit(POLLER_FAILURE_EVENT, timeMeasurements(), {
      measurement: source.name,
      error,
      stacktrace: error instanceof Error ? (error.stack ?? String(error)) : String(error),
    });
  };

  // Async measurements still running: a slow (or hung) one is skipped by later polls instead of
  // piling up one call per period.
  const running = new Map<Source, Promise<void>>();

  const poll = async (): Promise<void> => {
    if (stopped) return;
    const pending: Promise<void>[] = [];
    for (const source of sources) {
      if (running.has(source)) continue;
      try {
        const result = source.poll();
        if (result instanceof Promise) {
          const settled = result
            .catch((error: unknown) => drop(source, error))
            .finally(() => running.delete(source));
          running.set(source, settled);
          pending.push(settled);
        }
      } catch (error) {
        drop(source, error);
      }
    }
    if (pending.length !== 0) await Promise.all(pending);
  };

  const timer = setInterval(() => void poll(), periodMs);
  timer.unref();

  const stop = telemetry.manage(`poller-${++pollerSeq}`, async () => {
    stopped = true;
    clearInterval(timer);
    const stopping = sources;
    sources = [];
    if (running.size !== 0) {
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(running.values()),
        new Promise<void>((resolve) => {
          wait = setTimeout(resolve, STOP_WAIT_MS);
        }),
      ]);
      clearTimeout(wait);
    }
    // Releasing a source also silences a measurement that settles later.
    for (const source of stopping) source.stop?.();
  });

  return {
    poll,
    measurements: () => sources.map((s) => s.name),
    stop,
  };
}

function checkNvidiaSmi(options: NvidiaSmiOptions | undefined): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') throw new TypeError('startPoller: nvidiaSmi must be an object { command?, timeoutMs? }');
  if (options.command !== undefined && (typeof options.command !== 'string' || options.command.length === 0)) {
    throw new TypeError('startPoller: nvidiaSmi.command must be a non-empty string');
  }
  const t = options.timeoutMs;
  if (t !== undefined && (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > MAX_TIMER_MS)) {
    throw new TypeError(`startPoller: nvidiaSmi.timeoutMs must be an integer from 1 to ${MAX_TIMER_MS}, got ${String(t)}`);
  }
}

function checkMeasurements(wanted: readonly PollerMeasurement[]): void {
  wanted.forEach((m, i) => {
    if (typeof m === 'string' && !(BUILTIN_MEASUREMENTS as readonly string[]).includes(m)) {
      throw new TypeError(`startPoller: unknown measurement ${JSON.stringify(m)} at measurements[${i}]; built-ins are ${BUILTIN_MEASUREMENTS.join(', ')}`);
    }
  });
}
