import type { EventHandle } from './event-handle.js';
import type { EventName, Measurements, Metadata } from './event-name.js';
import type { EventNode } from './event-node.js';

/** Runs a node's handlers and streams: the bus's hot path. */
export type Dispatch = (node: EventNode, name: EventName, measurements: Measurements, metadata: Metadata) => void;

export const EMPTY_METADATA: Metadata = Object.freeze({});

/** A handle over a pinned trie node: `emit` costs one property check when nothing listens. */
export class NodeHandle implements EventHandle {
  readonly #node: EventNode;
  readonly #dispatch: Dispatch;
  readonly name: EventName;

  constructor(node: EventNode, dispatch: Dispatch) {
    this.#node = node;
    this.#dispatch = dispatch;
    this.name = node.name;
  }

  get active(): boolean {
    return this.#node.active;
  }

  emit(measurements: Measurements, metadata: Metadata = EMPTY_METADATA): void {
    const node = this.#node;
    if (node.active) this.#dispatch(node, node.name, measurements, metadata);
  }
}
