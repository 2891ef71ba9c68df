import type { EventHandle } from './event-handle.js';
import type { EventName, Measurements, Metadata } from './event-name.js';
import type { EventNode, NodeCode } from './event-node.js';

/** Runs a node's handlers and streams: the bus's hot path. */
export type Dispatch = (node: EventNode, name: EventName, measurements: Measurements, metadata: Metadata) => void;

export const EMPTY_METADATA: Metadata = Object.freeze({});

/**
 * A handle over a pinned trie node: `emit` is the node's own code (node-dispatch.ts), so a call
 * site that emits one event reaches that event's handlers through monomorphic calls; it costs
 * one property check when nothing listens.
 */
export class NodeHandle implements EventHandle {
  readonly #node: EventNode;
  readonly name: EventName;
  readonly emit: (measurements: Measurements, metadata?: Metadata) => void;

  constructor(node: EventNode, code: NodeCode) {
    this.#node = node;
    this.name = node.name;
    this.emit = code.emit;
  }

  get active(): boolean {
    return this.#node.active;
  }
}
