/**
 * Collects an exposition. Pieces are joined every `batch` pushes into one flat string of a
 * hundred KB or more, which V8 keeps in large-object space: a 10,000-series scrape then does not
 * copy hundreds of thousands of small strings through the young generation, and render time stays
 * linear in the series count.
 */
export class Output {
  readonly #done: string[] = [];
  readonly #pending: string[] = [];

  constructor(readonly batch = 128) {}

  push(piece: string): void {
    this.#pending.push(piece);
    if (this.#pending.length >= this.batch) this.#flush();
  }

  #flush(): void {
    this.#done.push(this.#pending.join(''));
    this.#pending.length = 0;
  }

  toString(): string {
    this.#flush();
    return this.#done.join('');
  }
}
