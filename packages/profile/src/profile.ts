import { writeFile } from 'node:fs/promises';
import { monotonicTime, type Telemetry } from '@rx-telemetry/core';
import { toChromeTrace, type ChromeTrace } from './chrome-trace.js';
import { CounterSampler, HEAP_COUNTER, type ProfileCounter } from './counters.js';
import { PROFILE_DROPPED_EVENT } from './dropped-event.js';
import type { RecordedSpan } from './recorded-span.js';
import { SpanRecorder, type MutableSpan } from './span-recorder.js';

export interface ProfileOptions {
  /** Record only the spans of this correlation id (`withCorrelation`), GPU work included. Default: every span. */
  readonly correlationId?: string;
  /** Stop recording by itself after this long. Default: at `stop()` (or `telemetry.shutdown()`). */
  readonly durationMs?: number;
  /** Write the trace to this file (JSON) when recording ends. */
  readonly file?: string;
  /** Counter tracks besides the heap (device memory, say). */
  readonly counters?: readonly ProfileCounter[];
  /** Spans kept at most (default 100,000); more are dropped, counted, and reported once. */
  readonly maxSpans?: number;
  /** The process's name in the trace. Default `node <pid>`. */
  readonly processName?: string;
}

export interface Profiler {
  /** Resolves with the trace when recording ends: after `durationMs`, or at `stop()`. */
  readonly done: Promise<ChromeTrace>;
  /**
   * Ends recording (idempotent: every call returns `done`): unhooks from the bus, ends still-open
   * spans at this instant (marked `unfinished`), writes `file` if given, and reports drops.
   */
  stop(): Promise<ChromeTrace>;
  /** Spans recorded so far, and dropped past `maxSpans`. */
  readonly recorded: number;
  readonly dropped: number;
}

const DEFAULT_MAX_SPANS = 100_000;

function check(options: ProfileOptions): void {
  if (options === null || typeof options !== 'object') throw new TypeError('profile: options must be an object');
  const { correlationId, durationMs, file, counters, maxSpans } = options;
  if (correlationId !== undefined && (typeof correlationId !== 'string' || correlationId.length === 0)) throw new TypeError('profile: correlationId must be a non-empty string');
  if (durationMs !== undefined && !(typeof durationMs === 'number' && durationMs > 0 && Number.isFinite(durationMs))) throw new TypeError(`profile: durationMs must be a positive number, got ${String(durationMs)}`);
  if (file !== undefined && (typeof file !== 'string' || file.length === 0)) throw new TypeError('profile: file must be a non-empty path');
  if (maxSpans !== undefined && !(Number.isInteger(maxSpans) && maxSpans > 0)) throw new TypeError(`profile: maxSpans must be a positive integer, got ${String(maxSpans)}`);
  if (counters !== undefined && (!Array.isArray(counters) || counters.some((c) => c === null || typeof c !== 'object' || typeof c.name !== 'string' || typeof c.read !== 'function'))) {
    throw new TypeError('profile: counters must be an array of { name, read(): number, device? }');
  }
}

/**
 * Records every span on `telemetry` (or only those of one correlation id) and turns them into
 * Chrome Trace Event JSON for Perfetto (ui.perfetto.dev) and chrome://tracing.
 *
 * ```ts
 * const recording = profile(telemetry, { correlationId: 'job-7', file: 'job-7.trace.json' });
 * await withCorrelation('job-7', () => runJob());
 * const trace = await recording.stop();
 * ```
 */
export function profile(telemetry: Telemetry, options: ProfileOptions = {}): Profiler {
  if (telemetry === null || typeof telemetry !== 'object' || typeof telemetry.bindSpanContext !== 'function' || typeof telemetry.manage !== 'function') {
    throw new TypeError('profile: telemetry must be a Telemetry instance');
  }
  check(options);
  const maxSpans = options.maxSpans ?? DEFAULT_MAX_SPANS;
  const wanted = options.correlationId;
  const spans: MutableSpan[] = [];
  let dropped = 0;
  const startNs = monotonicTime();
  const counters = new CounterSampler([HEAP_COUNTER, ...(options.counters ?? [])], maxSpans * 2);
  counters.sample(startNs, true);

  const recorder = new SpanRecorder(telemetry, {
    started(info, record) {
      if (wanted !== undefined && info.correlationId !== wanted) return false;
      if (spans.length >= maxSpans) {
        dropped++;
        return false;
      }
      spans.push(record);
      counters.sample(record.startNs);
      return true;
    },
    ended(record) {
      counters.sample(record.startNs + (record.durationNs ?? 0));
    },
  });

  let timer: NodeJS.Timeout | undefined;
  let resolveDone: (trace: ChromeTrace) => void = () => undefined;
  let rejectDone: (error: unknown) => void = () => undefined;
  const done = new Promise<ChromeTrace>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  // Whoever awaits `done` or `stop()` learns of a failed write; nobody waiting is not a crash.
  done.catch(() => undefined);

  const finish = async (): Promise<void> => {
    clearTimeout(timer);
    const endNs = monotonicTime();
    recorder.detach();
    counters.sample(endNs, true);
    const trace = toChromeTrace(spans as readonly RecordedSpan[], {
      counters: counters.samples,
      originNs: startNs,
      endNs,
      processName: options.processName,
      otherData: {
        recordedBy: '@rx-telemetry/profile',
        correlationId: wanted ?? '',
        durationMs: (endNs - startNs) / 1e6,
        droppedSpans: dropped,
        droppedCounterSamples: counters.dropped,
      },
    });
    if (dropped > 0 || counters.dropped > 0) {
      telemetry.emit(PROFILE_DROPPED_EVENT, { spans: dropped, counterSamples: counters.dropped }, { profile: recorder.id, reason: 'limit', maxSpans });
    }
    try {
      if (options.file !== undefined) await writeFile(options.file, JSON.stringify(trace));
      resolveDone(trace);
    } catch (error) {
      rejectDone(error);
    }
  };
  const stopPart = telemetry.manage('profile', finish);
  const stop = async (): Promise<ChromeTrace> => {
    await stopPart();
    return done;
  };
  if (options.durationMs !== undefined) {
    timer = setTimeout(() => void stop().catch(() => undefined), options.durationMs);
  }
  return {
    done,
    stop,
    get recorded() {
      return spans.length;
    },
    get dropped() {
      return dropped;
    },
  };
}
