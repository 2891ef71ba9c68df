/**
 * Places intervals on as few rows as possible so that no row holds two that overlap: what a
 * thread (tid) of `X` events needs. A row is free again once its last interval has ended.
 */
export class Rows {
  readonly #ends: number[] = [];

  /** The row for [start, end]. */
  take(start: number, end: number): number {
    for (let i = 0; i < this.#ends.length; i++) {
      if (this.#ends[i] <= start) {
        this.#ends[i] = end;
        return i;
      }
    }
    this.#ends.push(end);
    return this.#ends.length - 1;
  }
}

interface Entry<T> {
  readonly spanId: number;
  readonly end: number;
  readonly item: T;
}

/**
 * Places spans on async tracks (one `id` each) so that every track nests strictly: a span goes
 * on its parent's track when the parent is the innermost span open there and outlives it;
 * otherwise (an overlapping sibling holds that place, or the child outlives its parent) on the
 * first track with nothing open, or a new one. Spans must come in start order, parents first.
 */
export class AsyncTracks<T> {
  readonly #stacks: Entry<T>[][] = [];
  readonly #trackOf = new Map<number, number>();

  /** `closed` is called for each span when it leaves its track: inner spans before outer ones, in end order per track. */
  readonly #closed: (item: T) => void;

  constructor(closed: (item: T) => void) {
    this.#closed = closed;
  }

  take(spanId: number, parentSpanId: number | undefined, start: number, end: number, item: T): number {
    const parentTrack = parentSpanId === undefined ? undefined : this.#trackOf.get(parentSpanId);
    if (parentTrack !== undefined) {
      const stack = this.#settle(parentTrack, start);
      const top = stack[stack.length - 1];
      if (top !== undefined && top.spanId === parentSpanId && end <= top.end) return this.#push(parentTrack, spanId, end, item);
    }
    for (let i = 0; i < this.#stacks.length; i++) {
      if (this.#settle(i, start).length === 0) return this.#push(i, spanId, end, item);
    }
    this.#stacks.push([]);
    return this.#push(this.#stacks.length - 1, spanId, end, item);
  }

  /** The track's stack with every span that ended by `start` removed. */
  #settle(track: number, start: number): Entry<T>[] {
    const stack = this.#stacks[track];
    while (stack.length > 0 && stack[stack.length - 1].end <= start) this.#closed((stack.pop() as Entry<T>).item);
    return stack;
  }

  /** Closes every span still on a track. */
  flush(): void {
    for (const stack of this.#stacks) while (stack.length > 0) this.#closed((stack.pop() as Entry<T>).item);
  }

  #push(track: number, spanId: number, end: number, item: T): number {
    this.#stacks[track].push({ spanId, end, item });
    this.#trackOf.set(spanId, track);
    return track;
  }
}
