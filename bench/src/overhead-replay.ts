// The direct figure of the overhead suite: what the reporters cost the process per kernel-loop
// job, measured without the GPU's noise. One real job is recorded (every event it emits, in
// order, with its measurements and metadata); the replay makes the same calls the webgpu
// package makes (an event handle's emit, a span event's start and its span's stop, each only
// while `active`, with fresh measurement and metadata objects), on a bus with the reporters
// attached and on a bare bus, in interleaved rounds. The difference per job, over the bare job's
// time on the device, is the overhead in percent.
import { performance } from 'node:perf_hooks';
import { Telemetry, type EventHandle, type EventName, type Measurements, type Metadata, type OpenSpan, type SpanEvent } from '@rx-telemetry/core';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Makes a fresh object with `template`'s keys and values. */
type Make<T> = () => T;

/**
 * A function returning `{ k1: t.k1, k2: t.k2, … }` for the template's keys: an object literal of
 * one shape per call site, as the webgpu package writes them. A spread copy (`{ ...t }`) costs
 * more and would be counted as the reporters' (generated code: the keys are known only at
 * recording).
 */
function literal<T extends object>(template: T): Make<T> {
  const body = Object.keys(template)
    .map((k) => `${JSON.stringify(k)}: t[${JSON.stringify(k)}]`)
    .join(', ');
  const make = new Function('t', `return { ${body} };`) as (t: T) => T;
  return () => make(template);
}

type Op =
  | { readonly kind: 'emit'; readonly name: EventName; readonly m: Make<Measurements>; readonly md: Make<Metadata> }
  | { readonly kind: 'start'; readonly prefix: EventName; readonly md: Make<Metadata>; readonly id: number }
  | { readonly kind: 'stop'; readonly id: number; readonly m: Make<Measurements> | undefined; readonly md: Make<Metadata> | undefined }
  | { readonly kind: 'await' };

/** A gap this long between two events of the recorded job was an await (the GPU working): the replay yields there. */
const AWAIT_GAP_MS = 0.05;

/** One job's events, in the order it emitted them. */
export interface Recording {
  readonly ops: readonly Op[];
  readonly events: number;
  readonly spans: number;
  /** Where the job awaited the GPU: the replay gives the event loop a turn there, so deferred work (a log write) runs as often as in the real loop. */
  readonly awaits: number;
  /** Events per name, e.g. `compute.memory.allocate: 16`. */
  readonly counts: Readonly<Record<string, number>>;
}

const SPAN_KEYS = new Set(['spanId', 'parentSpanId']);
const CORE_STOP_MEASUREMENTS = new Set(['duration', 'monotonicTime']);

function without(o: Readonly<Record<string, unknown>>, drop: (k: string, v: unknown) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!drop(k, v)) out[k] = v;
  return out;
}

/** Runs `job` once on `bus` (a device's bus) with a stream recording every event. */
export async function recordJob(bus: Telemetry, job: () => Promise<void>): Promise<Recording> {
  const seen: { name: EventName; measurements: Measurements; metadata: Metadata; at: number }[] = [];
  const sub = bus.events([]).subscribe((e) => void seen.push({ ...e, at: performance.now() }));
  try {
    await job();
    // Spans that end in a reaction after the job's own continuation (a read's transfer, whose
    // stop can come several turns later): wait until every span seen has ended, or 1,000 turns.
    const open = (): number => {
      let n = 0;
      for (const e of seen) {
        const end = e.name[e.name.length - 1];
        if (typeof e.metadata.spanId === 'number') n += end === 'start' ? 1 : end === 'stop' || end === 'exception' ? -1 : 0;
      }
      return n;
    };
    await turn();
    for (let i = 0; i < 1000 && open() > 0; i++) await turn();
  } finally {
    sub.unsubscribe();
  }
  const ops: Op[] = [];
  const started = new Map<number, { md: Metadata; index: number }>();
  const counts: Record<string, number> = {};
  let spans = 0;
  let nextId = 0;
  let awaits = 0;
  let last = seen.length > 0 ? seen[0].at : 0;
  for (const { name, measurements, metadata, at } of seen) {
    if (at - last > AWAIT_GAP_MS) {
      ops.push({ kind: 'await' });
      awaits++;
    }
    last = at;
    const key = name.join('.');
    counts[key] = (counts[key] ?? 0) + 1;
    const end = name[name.length - 1];
    const spanId = metadata.spanId;
    if (typeof spanId === 'number' && end === 'start') {
      const md = without(metadata, (k) => SPAN_KEYS.has(k));
      started.set(spanId, { md, index: nextId });
      ops.push({ kind: 'start', prefix: name.slice(0, -1), md: literal(md), id: nextId++ });
      spans++;
    } else if (typeof spanId === 'number' && (end === 'stop' || end === 'exception') && started.has(spanId)) {
      const open = started.get(spanId)!;
      const m = without(measurements, (k) => CORE_STOP_MEASUREMENTS.has(k)) as Measurements;
      const md = without(metadata, (k, v) => SPAN_KEYS.has(k) || open.md[k] === v);
      ops.push({ kind: 'stop', id: open.index, m: Object.keys(m).length === 0 ? undefined : literal(m), md: Object.keys(md).length === 0 ? undefined : literal(md) });
    } else {
      ops.push({ kind: 'emit', name, m: literal(measurements), md: literal(metadata) });
    }
  }
  return { ops, events: seen.length, spans, awaits, counts };
}

/** A recording bound to one bus: `run()` replays the job's events on it. */
export class Replay {
  readonly #ops: readonly Op[];
  readonly #handles: (EventHandle | SpanEvent | undefined)[];
  readonly #open: (OpenSpan | undefined)[];

  /** `atAwait` runs where the job awaited, before the turn (both arms of a pair give the same). */
  constructor(
    bus: Telemetry,
    recording: Recording,
    private readonly atAwait?: () => void,
  ) {
    this.#ops = recording.ops;
    // Constant name arrays, resolved once, as the webgpu package does (DeviceEvents).
    const names = new Map<string, EventName>();
    const interned = (n: EventName): EventName => {
      const k = n.join('.');
      if (!names.has(k)) names.set(k, [...n]);
      return names.get(k)!;
    };
    this.#handles = recording.ops.map((op) =>
      op.kind === 'emit' ? bus.event(interned(op.name)) : op.kind === 'start' ? bus.spanEvent(interned(op.prefix)) : undefined,
    );
    this.#open = new Array<OpenSpan | undefined>(recording.spans).fill(undefined);
  }

  /** Replays the job: its events, with a turn of the event loop where it awaited. */
  async run(): Promise<void> {
    const ops = this.#ops;
    const open = this.#open;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (op.kind === 'await') {
        this.atAwait?.();
        await turn();
      } else if (op.kind === 'emit') {
        const h = this.#handles[i] as EventHandle;
        if (h.active) h.emit(op.m(), op.md());
      } else if (op.kind === 'start') {
        const h = this.#handles[i] as SpanEvent;
        open[op.id] = h.active ? h.start(op.md()) : undefined;
      } else {
        const span = open[op.id];
        if (span === undefined) continue;
        open[op.id] = undefined;
        span.stop(op.m === undefined ? undefined : op.m(), op.md === undefined ? undefined : op.md());
      }
    }
  }
}

/**
 * What the GPU work between a job's events does to the CPU caches, roughly: touches every 64-byte
 * line of `bytes` (4 MiB: this VM's L2 per core twice over), so the next event's code and data
 * come from L3 or memory, as in the real loop. Both arms of a pair do it; the difference is what
 * the reporters' code costs when it runs cold.
 */
export function clearCaches(bytes = 4 * 1024 * 1024): () => void {
  const lines = new Uint8Array(bytes);
  return () => {
    for (let i = 0; i < lines.length; i += 64) lines[i]++;
  };
}

/** A bus for the replay, with what attaching to it returned. */
export interface ReplayArm {
  readonly name: string;
  readonly replay: Replay;
  /** Finishes deferred work (log lines being written); part of the measured time. */
  readonly flush: () => Promise<void>;
}

export interface ReplayResult {
  /** Per arm: process CPU ns per job (user + system, every thread: writes on libuv's pool and GC count), one per round. */
  readonly cpu: number[][];
  /** Per arm: wall-clock ns per job, one per round. */
  readonly wall: number[][];
  readonly jobsPerRound: number;
}

/**
 * Replays `jobsPerRound` jobs on each arm per round, arms in rotating order, each round's window
 * ending with the arm's flush and one turn of the event loop (so what the reporters deferred to
 * the loop, a UDP send's callback or a log write, is counted in their window). The bare arm
 * yields at the same places, so the turns themselves cancel out of the paired difference.
 */
export async function measureReplay(arms: readonly ReplayArm[], rounds: number, jobsPerRound: number): Promise<ReplayResult> {
  const cpu = arms.map(() => [] as number[]);
  const wall = arms.map(() => [] as number[]);
  for (const a of arms) {
    for (let j = 0; j < 200; j++) await a.replay.run();
    await a.flush();
  }
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < arms.length; k++) {
      const i = (r + k) % arms.length;
      const a = arms[i];
      await turn();
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let j = 0; j < jobsPerRound; j++) await a.replay.run();
      await a.flush();
      await turn();
      const t = Number(process.hrtime.bigint() - t0);
      const c = process.cpuUsage(c0);
      wall[i].push(t / jobsPerRound);
      cpu[i].push(((c.user + c.system) * 1000) / jobsPerRound);
    }
  }
  return { cpu, wall, jobsPerRound };
}

/** Every event name of the recorded job, spans' start, stop and exception included. */
export function eventNames(recording: Recording): EventName[] {
  const names = new Set<string>();
  for (const op of recording.ops) {
    if (op.kind === 'emit') names.add(op.name.join('.'));
    if (op.kind === 'start') for (const end of ['start', 'stop', 'exception']) names.add([...op.prefix, end].join('.'));
  }
  return [...names].map((n) => n.split('.'));
}

/**
 * A bus where every event of the job is observed by a handler that does nothing: the emit path's
 * own cost (building the measurements and metadata, core's spans and dispatch), which any
 * reporter brings with it.
 */
export function observedArm(name: string, recording: Recording): ReplayArm {
  const bus = new Telemetry();
  bus.attachMany('observed, nothing done', eventNames(recording), () => undefined);
  return { name, replay: new Replay(bus, recording), flush: () => Promise.resolve() };
}

/** The bare bus of a replay: nothing attached, so every handle is inactive (the webgpu package then emits nothing). */
export function bareArm(name: string, recording: Recording, atAwait?: () => void): ReplayArm {
  return { name, replay: new Replay(new Telemetry(), recording, atAwait), flush: () => Promise.resolve() };
}
