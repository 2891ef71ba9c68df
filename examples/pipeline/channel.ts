// An unbounded async queue between two pipeline stages: push on one side, `for await` on the other.
export class Channel<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #closed = false;

  push(item: T): void {
    if (this.#waiting === undefined) this.#items.push(item);
    else this.#take()({ value: item, done: false });
  }

  close(): void {
    this.#closed = true;
    if (this.#waiting !== undefined) this.#take()({ value: undefined, done: true });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.#items.length > 0) yield this.#items.shift()!;
      else if (this.#closed) return;
      else {
        const next = await new Promise<IteratorResult<T>>((resolve) => (this.#waiting = resolve));
        if (next.done === true) return;
        yield next.value;
      }
    }
  }

  #take(): (result: IteratorResult<T>) => void {
    const resolve = this.#waiting!;
    this.#waiting = undefined;
    return resolve;
  }
}
