import type { DropCounter } from './drop-counter.js';

/** A traced request whose span has not ended yet. */
export interface OpenRequest {
  /** Ends the span as an exception with `reason` (the bridge is stopping). */
  abandon(reason: Error): void;
}

/**
 * The requests a bridge is tracing, all kinds together: bounded (beyond `max` a request goes
 * untraced and the drop is counted), and ended by `abandonAll()` when the bridge stops, so no
 * span stays open and nothing is emitted afterwards.
 */
export class OpenRequests {
  readonly #open = new Set<OpenRequest>();
  readonly #max: number;
  readonly #drops: DropCounter;

  constructor(max: number, drops: DropCounter) {
    this.#max = max;
    this.#drops = drops;
  }

  /** True when one more request may be traced; false (and counted as a drop) when full. */
  hasRoom(): boolean {
    if (this.#open.size < this.#max) return true;
    this.#drops.drop();
    return false;
  }

  add(request: OpenRequest): void {
    this.#open.add(request);
  }

  delete(request: OpenRequest): void {
    this.#open.delete(request);
  }

  get size(): number {
    return this.#open.size;
  }

  abandonAll(reason: Error): void {
    for (const request of [...this.#open]) request.abandon(reason);
    this.#open.clear();
  }
}
