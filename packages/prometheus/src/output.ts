/**
 * Collects an exposition. Pieces are joined every `batch` pushes into one flat string (tens of
 * KB), so a 10,000-series scrape does not hold hundreds of thousands of small strings alive
 * through young-generation collections, and render time stays close to linear in the series count.
 */
export class Output {
  readonly #done: string[] = [];
  readonly #pending: string[] = [];

  constructor(readonly batch = 1024) {}

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
