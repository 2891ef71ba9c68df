import { currentTraceSource, type TraceContext, type TraceSource } from '@rx-telemetry/core';

/**
 * What a record keeps of the active span, and how a read turns it into ids: the span itself (core's
 * `currentTraceSource()`, a lookup), its W3C ids made only if the exemplar is ever read. The kept
 * reference retains that span until a newer record replaces it: one per series and bucket at most.
 */
type TraceRef = TraceSource;
const captureTrace: () => TraceRef | undefined = currentTraceSource;
const traceOf = (ref: TraceRef): TraceContext | undefined => ref.traceContext();
export { captureTrace };

/**
 * The latest record of a series (counter) or of one of its Prometheus buckets (distribution) made
 * while a span was active (with `exemplars: true`). Reused: read it during the visitor call only.
 */
export interface Exemplar {
  /** The value recorded, in the metric's unit (1 for a counter). */
  readonly value: number;
  /** The active span's W3C trace id: 32 lowercase hex characters. */
  readonly traceId: string;
  /** The active span's W3C span id: 16 lowercase hex characters. */
  readonly spanId: string;
  /** When it was recorded, ms since the Unix epoch: the event's `monotonicTime` when it has one (span events do), else to the second. */
  readonly timestamp: number;
}

// performance.now() readings (span events' monotonicTime, in ns) to Unix epoch ms.
const origin = performance.timeOrigin;

/**
 * The exemplar timestamp source for events without `monotonicTime` (span events carry it): a
 * clock read per record would cost more than the rest of the exemplar, so this one is refreshed
 * every second by an unref'd timer (exemplar timestamps are then exact to a second).
 */
export class CoarseClock {
  ms = Date.now();
  #timer: NodeJS.Timeout | undefined = undefined;

  start(): void {
    this.#timer = setInterval(() => (this.ms = Date.now()), 1_000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** The exemplar's timestamp (ms since the Unix epoch) for an event's measurements. */
export function exemplarTime(monotonicTime: unknown, clock: CoarseClock): number {
  return typeof monotonicTime === 'number' ? origin + monotonicTime / 1e6 : clock.ms;
}

/**
 * The latest exemplar per series and slot (a distribution's Prometheus bucket, or slot 0): the
 * trace reference in a plain array, value and timestamp in a typed array.
 */
export class ExemplarStore {
  // `declare`d: see HistogramStore.
  declare readonly perSeries: number;
  refs: (TraceRef | undefined)[] = [];
  data = new Float64Array(0);

  constructor(perSeries: number) {
    this.perSeries = perSeries;
  }

  /** Makes series `id` hold no exemplar (a new series, or a reused id). */
  init(id: number): void {
    const end = (id + 1) * this.perSeries;
    if (2 * end > this.data.length) {
      const grown = new Float64Array(Math.max(2 * end, this.data.length * 2, 16));
      grown.set(this.data);
      this.data = grown;
    }
    for (let k = id * this.perSeries; k < end; k++) this.refs[k] = undefined;
  }

  /** Keeps an exemplar in slot `k` (series id x perSeries + slot). */
  record(k: number, value: number, ref: TraceRef, time: number): void {
    const refs = this.refs;
    // Records in one span keep one reference: no pointer store (and its write barrier) each time.
    if (refs[k] !== ref) refs[k] = ref;
    const data = this.data;
    data[2 * k] = value;
    data[2 * k + 1] = time;
  }

  /**
   * record() as source for the record paths made per metric (record-path.ts), the timestamp
   * (exemplarTime) written out too, reading `exemplars`, `clock`, `m`, `ref`, `id`, `v` and `j`
   * (the bucket, -1: none); `slotted`: one exemplar per Prometheus bucket, else per series. Why:
   * called out of line, record() took its two doubles boxed (a record in a span allocated 32
   * bytes, 16 written out) and cost a call; written out, a distribution record in a span took
   * 0.78-0.88x the time (paired).
   */
  recordSource(slotted: boolean): string {
    const k = slotted ? `id * ${this.perSeries} + (j < 0 ? 0 : j)` : 'id';
    return (
      `{ const k = ${k}; const refs = exemplars.refs; if (refs[k] !== ref) refs[k] = ref; const d = exemplars.data; d[2 * k] = v; ` +
      `const mt = m.monotonicTime; d[2 * k + 1] = typeof mt === 'number' ? ${origin} + mt / 1000000 : clock.ms; }`
    );
  }

  /** Series `id`'s exemplar in `slot`, loaded into `out`; undefined when none was recorded. */
  read(id: number, slot: number, out: ExemplarReading): Exemplar | undefined {
    const k = id * this.perSeries + slot;
    const ref = this.refs[k];
    if (ref === undefined) return undefined;
    const ctx = traceOf(ref);
    if (ctx === undefined) return undefined;
    out.value = this.data[2 * k];
    out.timestamp = Math.round(this.data[2 * k + 1]);
    out.traceId = ctx.traceId;
    out.spanId = ctx.spanId;
    return out;
  }
}

/** The exemplar handed to a visitor: one per collect() call, reloaded per read. */
export class ExemplarReading implements Exemplar {
  value = 0;
  traceId = '';
  spanId = '';
  timestamp = 0;
}
