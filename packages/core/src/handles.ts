import type { EventHandle } from './event-handle.js';
import type { EventName, Measurements, Metadata } from './event-name.js';
import type { EventNode, NodeCode } from './event-node.js';

/** Runs a node's handlers and streams: the bus's hot path. */
export type Dispatch = (node: EventNode, name: EventName, measurements: Measurements, metadata: Metadata) => void;

export const EMPTY_METADATA: Metadata = Object.freeze({});

/**
 * A handle over a pinned trie node: `emit` is the node's own code where it has some
 * (node-dispatch.ts), so a call site that emits one event reaches that event's handlers through
 * monomorphic calls; otherwise the bus's shared loop. Either costs one property check when
 * nothing listens.
 */
export class NodeHandle implements EventHandle {
  readonly #node: EventNode;
  readonly name: EventName;
  readonly emit: (measurements: Measurements, metadata?: Metadata) => void;

  constructor(node: EventNode, code: NodeCode | undefined, dispatch: Dispatch) {
    this.#node = node;
    this.name = node.name;
    this.emit = code?.emit ?? sharedEmit(node, dispatch);
  }

  get active(): boolean {
    return this.#node.active;
  }
}

// One literal for every node without code of its own: a call site that rotates over such
// handles sees closures with one feedback cell, which V8 still inlines.
function sharedEmit(node: EventNode, dispatch: Dispatch): (measurements: Measurements, metadata?: Metadata) => void {
  return (measurements, metadata = EMPTY_METADATA) => {
    if (node.active) dispatch(node, node.name, measurements, metadata);
  };
}
