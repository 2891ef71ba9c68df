import type { EventName } from '@rx-telemetry/core';

interface Node {
  readonly children: Map<string, Node>;
  dotted: string | undefined;
}

const MAX_NAMES = 10_000;

/**
 * `['db','query','stop']` → `'db.query.stop'` without joining on every event: one Map lookup
 * per segment (joining costs more than the whole bus dispatch). Bounded: past `MAX_NAMES`
 * distinct names it joins instead of growing.
 */
export class NameCache {
  readonly #root: Node = { children: new Map(), dotted: undefined };
  #size = 0;

  dotted(name: EventName): string {
    let node = this.#root;
    for (let i = 0; i < name.length; i++) {
      let next = node.children.get(name[i]);
      if (next === undefined) {
        if (this.#size >= MAX_NAMES) return name.join('.');
        next = { children: new Map(), dotted: undefined };
        node.children.set(name[i], next);
      }
      node = next;
    }
    if (node.dotted === undefined) {
      this.#size++;
      node.dotted = name.join('.');
    }
    return node.dotted;
  }
}
