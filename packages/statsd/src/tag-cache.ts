type Node = Map<string, unknown>;

const MAX_ENTRIES = 2_000;

/**
 * What one combination of tag values becomes on the wire (the standard formatter's full name,
 * or the DogStatsD/Telegraf tag list), looked up per value with one Map per tag: a hit skips
 * sanitising and string building, and hands hot-shots a flat string. Bounded: past
 * `MAX_ENTRIES` combinations new ones are built on every event instead of cached.
 */
export class TagCache<T> {
  readonly #root: Node = new Map();
  #size = 0;

  get(values: readonly string[]): T | undefined {
    let node: Node | undefined = this.#root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      node = node.get(values[i]) as Node | undefined;
      if (node === undefined) return undefined;
    }
    return node.get(values[last]) as T | undefined;
  }

  set(values: readonly string[], entry: T): void {
    if (this.#size >= MAX_ENTRIES) return;
    let node = this.#root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = node.get(values[i]) as Node | undefined;
      if (next === undefined) node.set(values[i], (next = new Map()));
      node = next;
    }
    node.set(values[last], entry);
    this.#size++;
  }
}
