import type { EventName } from './event-name.js';
import { EventNode } from './event-node.js';
import type { Streams } from './streams.js';

/**
 * The event-name trie: one node per name segment, created only for names something holds on to
 * (an attached handler, a handle), pruned when nothing does. Each node carries the streams whose
 * pattern matches its name, so a known name pays one array check per emit.
 */
export class EventTrie {
  readonly root = new EventNode(Object.freeze([]) as EventName, undefined);
  #streams: Streams | undefined;

  /** The streams registry new nodes take their matching subscriptions from (set once, after both exist). */
  useStreams(streams: Streams): void {
    this.#streams = streams;
  }

  /** The node of `name`, if it exists; never creates. */
  lookup(name: EventName): EventNode | undefined {
    let node: EventNode | undefined = this.root;
    for (let i = 0; i < name.length && node !== undefined; i++) node = node.children.get(name[i]);
    return node;
  }

  /** The node of `name`, created (with its ancestors) when missing. */
  nodeFor(name: EventName): EventNode {
    let node = this.root;
    for (let i = 0; i < name.length; i++) {
      let next = node.children.get(name[i]);
      if (next === undefined) {
        // Each node keeps its own prefix: with names bounded (MAX_NAME_SEGMENTS) this stays small.
        next = new EventNode(Object.freeze(name.slice(0, i + 1)), node);
        if (this.#streams !== undefined) next.streams = this.#streams.matching(next.name);
        next.refresh();
        node.children.set(name[i], next);
      }
      node = next;
    }
    return node;
  }

  /** The node of `name`, held for good (by a handle or a span cache): never pruned. */
  pin(name: EventName): EventNode {
    const node = this.nodeFor(name);
    node.pinned = true;
    return node;
  }

  walk(visit: (node: EventNode) => void): void {
    walk(this.root, visit);
  }
}

function walk(node: EventNode, visit: (node: EventNode) => void): void {
  visit(node);
  for (const child of node.children.values()) walk(child, visit);
}

/** Removes `node` and its ancestors while nothing holds them. */
export function prune(node: EventNode): void {
  let n: EventNode | undefined = node;
  while (n !== undefined && n.parent !== undefined && n.idle) {
    n.parent.children.delete(n.name[n.name.length - 1]);
    n = n.parent;
  }
}
