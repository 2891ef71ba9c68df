import type { Metadata } from '@rx-telemetry/core';
import { AsyncTracks, Rows } from './lanes.js';
import type { CounterSample, RecordedSpan } from './recorded-span.js';

/** One Chrome Trace Event (the subset a profile writes). Times are microseconds. */
export interface TraceEvent {
  readonly name: string;
  /** b/e: async span begin/end (nested per `cat` + `id`); X: complete; i: instant; C: counter; M: metadata. */
  readonly ph: 'b' | 'e' | 'X' | 'i' | 'C' | 'M';
  readonly ts: number;
  readonly pid: number;
  readonly tid: number;
  readonly cat?: string;
  readonly id?: string;
  readonly dur?: number;
  /** Instant scope: t(hread), p(rocess), g(lobal). */
  readonly s?: 't' | 'p' | 'g';
  readonly args?: Readonly<Record<string, unknown>>;
}

/** A Chrome Trace Event file (JSON Object Format): opens in Perfetto and chrome://tracing. */
export interface ChromeTrace {
  readonly traceEvents: readonly TraceEvent[];
  readonly displayTimeUnit: 'ms';
  /** What was recorded: spans kept and dropped, the time origin, the filter. */
  readonly otherData: Readonly<Record<string, string | number | boolean>>;
}

export interface ChromeTraceOptions {
  /** Counter readings, drawn as `C` events on the process (or on their device's track). */
  readonly counters?: readonly CounterSample[];
  /** Monotonic ns that becomes ts 0. Default: the earliest start. */
  readonly originNs?: number;
  /** Spans still open are ended here (ns) and marked `unfinished: true`; without it they are left out. */
  readonly endNs?: number;
  /** The process's name in the trace. Default `node <pid>`. */
  readonly processName?: string;
  /** Extra facts for `otherData`. */
  readonly otherData?: Readonly<Record<string, string | number | boolean>>;
}

/** The category of every span's b/e pair: nesting is per category and id, so all share one. */
export const SPAN_CATEGORY = 'span';
const PROCESS_PID = 1;
const SPANS_TID = 1;

interface Closed {
  readonly span: RecordedSpan;
  readonly start: number;
  readonly end: number;
  readonly unfinished: boolean;
}

/** Metadata values a trace viewer can show (strings, numbers, booleans); the rest is left out. */
function argsOf(md: Metadata, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(md)) {
    const v = md[key];
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[key] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'string')) out[key] = v.join(',');
  }
  return Object.assign(out, extra);
}

function reasonOf(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return String(error);
  } catch {
    return '[unprintable error]';
  }
}

/** Where a device span goes on its device's process: one track per kernel, one per other span kind. */
function deviceTrack(span: RecordedSpan): string {
  const kernel = span.metadata.kernel;
  if (span.name === 'compute.kernel.dispatch' && typeof kernel === 'string') return `kernel ${kernel}`;
  return span.prefix.slice(1).join('.');
}

/**
 * Builds Chrome Trace Event JSON from recorded spans:
 * - every span as an async `b`/`e` pair (category `span`) on the process, on tracks that nest
 *   strictly (a child on its parent's track when it fits there, else a track of its own);
 * - spans with `device` metadata (GPU dispatches, compiles, transfers) also as `X` events on
 *   that device's process: one track per kernel (CPU side, submit to done), one per other kind;
 * - GPU time (`gpuDurationNs`) on the device's `queue` track, in submit order: each dispatch starts
 *   at its submit or when the previous one's GPU time ended (WebGPU timestamps have no shared
 *   clock with the CPU, so the placement is modelled; the duration is measured);
 * - a failed span ends with `error` in its args and an instant `exception: <name>` marker;
 * - counters as `C` events; process and track names as `M` events.
 */
export function toChromeTrace(spans: readonly RecordedSpan[], options: ChromeTraceOptions = {}): ChromeTrace {
  const closed: Closed[] = [];
  for (const span of spans) {
    if (span.durationNs !== undefined) closed.push({ span, start: span.startNs, end: span.startNs + span.durationNs, unfinished: false });
    else if (options.endNs !== undefined) closed.push({ span, start: span.startNs, end: Math.max(span.startNs, options.endNs), unfinished: true });
  }
  // Start order; at one instant the longer (the parent) first.
  closed.sort((a, b) => a.start - b.start || b.end - a.end || a.span.spanId - b.span.spanId);
  const counters = options.counters ?? [];
  let origin = options.originNs;
  if (origin === undefined) {
    origin = Infinity;
    for (const c of closed) origin = Math.min(origin, c.start);
    for (const c of counters) origin = Math.min(origin, c.ns);
    if (origin === Infinity) origin = 0;
  }
  const us = (ns: number): number => (ns - (origin as number)) / 1000;

  const meta: TraceEvent[] = [];
  const events: TraceEvent[] = [];
  const name = (pid: number, n: string, sort: number): void => {
    meta.push({ name: 'process_name', ph: 'M', ts: 0, pid, tid: 0, args: { name: n } });
    meta.push({ name: 'process_sort_index', ph: 'M', ts: 0, pid, tid: 0, args: { sort_index: sort } });
  };
  const thread = (pid: number, tid: number, n: string): void => {
    meta.push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid, args: { name: n } });
    meta.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid, tid, args: { sort_index: tid } });
  };
  name(PROCESS_PID, options.processName ?? `node ${process.pid}`, 0);
  thread(PROCESS_PID, SPANS_TID, 'spans');

  // Devices: a process each, with named tracks.
  const devices = new Map<string, { pid: number; tids: Map<string, number>; rows: Map<string, Rows>; queueFree: number }>();
  const deviceOf = (id: string): { pid: number; tids: Map<string, number>; rows: Map<string, Rows>; queueFree: number } => {
    let d = devices.get(id);
    if (d === undefined) {
      d = { pid: PROCESS_PID + 1 + devices.size, tids: new Map(), rows: new Map(), queueFree: -Infinity };
      devices.set(id, d);
      name(d.pid, `${id} (device)`, d.pid);
    }
    return d;
  };
  const tidOf = (d: { pid: number; tids: Map<string, number> }, track: string): number => {
    let tid = d.tids.get(track);
    if (tid === undefined) {
      tid = d.tids.size + 1;
      d.tids.set(track, tid);
      thread(d.pid, tid, track);
    }
    return tid;
  };

  // Each e is written when its span leaves its track, so at one instant an inner span's e comes
  // before its parent's (and the stable sort below keeps that order).
  const tracks = new AsyncTracks<{ c: Closed; id: string }>(({ c, id }) => {
    const endArgs: Record<string, unknown> = { durationMs: (c.end - c.start) / 1e6 };
    if (c.span.failed) endArgs.error = reasonOf(c.span.error);
    if (c.unfinished) endArgs.unfinished = true;
    events.push({ name: c.span.name, cat: SPAN_CATEGORY, ph: 'e', id, ts: us(c.end), pid: PROCESS_PID, tid: SPANS_TID, args: endArgs });
  });
  for (const c of closed) {
    const { span } = c;
    const holder = { c, id: '' };
    holder.id = String(tracks.take(span.spanId, span.parentSpanId, c.start, c.end, holder) + 1);
    const id = holder.id;
    const args = argsOf(span.metadata, {});
    events.push({ name: span.name, cat: SPAN_CATEGORY, ph: 'b', id, ts: us(c.start), pid: PROCESS_PID, tid: SPANS_TID, args });
    const exception = (pid: number, tid: number): void => {
      events.push({
        name: `exception: ${span.name}`,
        ph: 'i',
        s: 't',
        ts: us(c.end),
        pid,
        tid,
        args: { reason: reasonOf(span.error), spanId: span.spanId, correlationId: span.correlationId ?? '' },
      });
    };
    if (span.failed) exception(PROCESS_PID, SPANS_TID);

    const device = span.metadata.device;
    if (typeof device !== 'string') continue;
    const d = deviceOf(device);
    const track = deviceTrack(span);
    let rows = d.rows.get(track);
    if (rows === undefined) d.rows.set(track, (rows = new Rows()));
    const row = rows.take(c.start, c.end);
    const tid = tidOf(d, row === 0 ? track : `${track} #${row + 1}`);
    events.push({ name: track.startsWith('kernel ') ? String(span.metadata.kernel) : span.name, ph: 'X', ts: us(c.start), dur: (c.end - c.start) / 1000, pid: d.pid, tid, args });
    if (span.failed) exception(d.pid, tid);
    if (span.gpuDurationNs !== undefined) {
      const queue = tidOf(d, 'queue (GPU time)');
      const gpuStart = Math.max(c.start, d.queueFree);
      d.queueFree = gpuStart + span.gpuDurationNs;
      events.push({
        name: String(span.metadata.kernel ?? span.name),
        ph: 'X',
        ts: us(gpuStart),
        dur: span.gpuDurationNs / 1000,
        pid: d.pid,
        tid: queue,
        args: { gpuDurationMs: span.gpuDurationNs / 1e6, cpuSideMs: (c.end - c.start) / 1e6, spanId: span.spanId, correlationId: span.correlationId ?? '' },
      });
    }
  }

  tracks.flush();
  for (const c of counters) {
    const pid = c.device === undefined ? PROCESS_PID : deviceOf(c.device).pid;
    events.push({ name: c.name, ph: 'C', ts: us(c.ns), pid, tid: 0, args: { value: c.value } });
  }
  events.sort((a, b) => a.ts - b.ts);
  return {
    traceEvents: [...meta, ...events],
    displayTimeUnit: 'ms',
    otherData: { spans: closed.length, originNs: origin, ...options.otherData },
  };
}
