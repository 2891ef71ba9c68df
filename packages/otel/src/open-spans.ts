import type { Span } from '@opentelemetry/api';

/** A bridged span whose core span has not ended yet (as returned by reap/drain). */
export interface OpenSpan {
  readonly spanId: number;
  readonly span: Span;
  /** Start time, core monotonic nanoseconds. */
  readonly startNs: number;
  /** The orphan check count when it started. */
  readonly check: number;
}

// Core span ids come from one process-wide sequence, so the spans open at any moment are mostly
// a short run of recent ids: a ring indexed by the id's low bits, in parallel arrays, holds them
// with a few array stores per span and no allocation. A Map keyed by ever-growing ids (set, get,
// delete and an entry object per span) cost ~250 ns per span here, a fifth of an SDK span. Ids
// whose slot is taken by a still-open span (long-lived spans, or more than RING open at once) go
// to the overflow Map.
const RING = 1024;
const MASK = RING - 1;
const EMPTY = -1;

/**
 * The bridged spans still open, by core span id. Orphans are found by counting periodic checks
 * rather than reading a clock: a span open across more than `checksPerTimeout` checks (each
 * timeout / checksPerTimeout apart) is at least one timeout old, and the hot path pays no clock
 * read for it.
 */
export class OpenSpans {
  readonly #ids = new Float64Array(RING).fill(EMPTY);
  readonly #starts = new Float64Array(RING);
  readonly #checksAt = new Float64Array(RING);
  readonly #spans: (Span | undefined)[] = new Array<Span | undefined>(RING).fill(undefined);
  readonly #overflow = new Map<number, OpenSpan>();
  #inRing = 0;
  #checks = 0;
  /** The start (monotonic ns) of the span the last successful `take` returned. */
  takenStartNs = 0;

  get size(): number {
    return this.#inRing + this.#overflow.size;
  }

  add(spanId: number, span: Span, startNs: number): void {
    const i = spanId & MASK;
    if (this.#ids[i] === EMPTY) {
      this.#ids[i] = spanId;
      this.#spans[i] = span;
      this.#starts[i] = startNs;
      this.#checksAt[i] = this.#checks;
      this.#inRing++;
    } else this.#overflow.set(spanId, { spanId, span, startNs, check: this.#checks });
  }

  /** The open span with this id, if any. */
  get(spanId: number): Span | undefined {
    const i = spanId & MASK;
    if (this.#ids[i] === spanId) return this.#spans[i];
    return this.#overflow.size === 0 ? undefined : this.#overflow.get(spanId)?.span;
  }

  /**
   * Removes and returns the span (its start goes to `takenStartNs`), or undefined when it is not
   * open (never bridged, or already reaped).
   */
  take(spanId: number): Span | undefined {
    const i = spanId & MASK;
    if (this.#ids[i] === spanId) {
      const span = this.#spans[i];
      this.takenStartNs = this.#starts[i];
      this.#ids[i] = EMPTY;
      this.#spans[i] = undefined;
      this.#inRing--;
      return span;
    }
    if (this.#overflow.size === 0) return undefined;
    const other = this.#overflow.get(spanId);
    if (other === undefined) return undefined;
    this.#overflow.delete(spanId);
    this.takenStartNs = other.startNs;
    return other.span;
  }

  /** Counts one check; removes and returns (oldest first) the spans open for more than `checksPerTimeout` checks. */
  reap(checksPerTimeout: number): OpenSpan[] {
    const check = ++this.#checks;
    return this.#remove((started) => check - started > checksPerTimeout);
  }

  /** Removes and returns every open span, oldest first. */
  drain(): OpenSpan[] {
    return this.#remove(() => true);
  }

  #remove(which: (check: number) => boolean): OpenSpan[] {
    const out: OpenSpan[] = [];
    if (this.#inRing !== 0) {
      for (let i = 0; i < RING; i++) {
        const spanId = this.#ids[i];
        if (spanId === EMPTY || !which(this.#checksAt[i])) continue;
        out.push({ spanId, span: this.#spans[i]!, startNs: this.#starts[i], check: this.#checksAt[i] });
        this.#ids[i] = EMPTY;
        this.#spans[i] = undefined;
        this.#inRing--;
      }
    }
    for (const [id, entry] of this.#overflow) {
      if (which(entry.check)) {
        this.#overflow.delete(id);
        out.push(entry);
      }
    }
    return out.sort((a, b) => a.spanId - b.spanId);
  }
}
