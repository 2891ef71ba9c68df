import type { EventHandle } from './event-handle.js';
import type { EventName, Measurements, Metadata } from './event-name.js';
import type { EventNode } from './event-node.js';
import type { Streams } from './streams.js';

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

/**
 * A short-lived handle for a name with no trie node (nobody attached to it): it reaches the
 * streams whose pattern matches, and creates nothing. Used by spans of dynamic prefixes.
 */
export class UnboundHandle implements EventHandle {
  readonly active: boolean;
  readonly #streams: Streams;

  constructor(
    readonly name: EventName,
    streams: Streams,
  ) {
    this.#streams = streams;
    this.active = streams.wants(name);
  }

  emit(measurements: Measurements, metadata: Metadata = EMPTY_METADATA): void {
    if (this.active) this.#streams.deliverUnbound(this.name, measurements, metadata);
  }
}
