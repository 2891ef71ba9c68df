import type { HrTime, Span } from '@opentelemetry/api';

/** A bridged span whose core span has not ended yet. */
export interface OpenSpan {
  readonly span: Span;
  readonly startTime: HrTime;
  /** The orphan check count when it started. */
  readonly check: number;
}

/**
 * The bridged spans still open, by core span id, in start order. Orphans are found by counting
 * periodic checks rather than reading a clock: a span open across more than `checksPerTimeout`
 * checks (each timeout / checksPerTimeout apart) is at least one timeout old, and the hot path
 * pays no clock read for it.
 */
export class OpenSpans {
  readonly #byId = new Map<number, OpenSpan>();
  #checks = 0;

  get size(): number {
    return this.#byId.size;
  }

  add(spanId: number, span: Span, startTime: HrTime): void {
    this.#byId.set(spanId, { span, startTime, check: this.#checks });
  }

  get(spanId: number): OpenSpan | undefined {
    return this.#byId.get(spanId);
  }

  /** Removes and returns the span, or undefined when it is not open (never bridged, or reaped). */
  take(spanId: number): OpenSpan | undefined {
    const open = this.#byId.get(spanId);
    if (open !== undefined) this.#byId.delete(spanId);
    return open;
  }

  /** Counts one check; removes and returns the spans open for more than `checksPerTimeout` checks. */
  reap(checksPerTimeout: number): OpenSpan[] {
    const check = ++this.#checks;
    const orphans: OpenSpan[] = [];
    // Map order is start order, so check counts only grow along it: stop at the first young one.
    for (const [id, open] of this.#byId) {
      if (check - open.check <= checksPerTimeout) break;
      this.#byId.delete(id);
      orphans.push(open);
    }
    return orphans;
  }

  /** Removes and returns every open span. */
  drain(): OpenSpan[] {
    const all = [...this.#byId.values()];
    this.#byId.clear();
    return all;
  }
}
