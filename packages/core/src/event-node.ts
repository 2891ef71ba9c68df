import type { EventName, Measurements, Metadata } from './event-name.js';
import type { Handler } from './handler.js';
import type { Subscriber } from 'rxjs';
import type { TelemetryEvent } from './telemetry-event.js';

/** One attached (id, event) pair. Immutable: attach/detach replace the arrays that hold it. */
export interface HandlerEntry {
  readonly id: string;
  readonly event: EventName;
  readonly handler: Handler<unknown>;
  readonly config: unknown;
  readonly keep: boolean;
}

/** One `events(pattern)` subscription. */
export interface StreamEntry {
  readonly pattern: EventName;
  readonly subscriber: Subscriber<TelemetryEvent>;
}

/** A node's own dispatch code (node-dispatch.ts): the bus's `dispatch` and a handle's `emit`. */
export interface NodeCode {
  dispatch(name: EventName, measurements: Measurements, metadata: Metadata): void;
  /** `dispatch(node.name, …)` when the node is active; nothing otherwise. */
  emit(measurements: Measurements, metadata?: Metadata): void;
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * A node of the event-name trie: one Map lookup per name segment, so emitting with a literal
 * array never joins strings. Nodes exist only for names something holds on to (an attached
 * handler, a handle from `event()`/`spanEvent()`), so names nobody listens to create nothing
 * that lasts; a node nobody holds any more is pruned. Listener arrays are copy-on-write, so a
 * handler that detaches (itself or another) during dispatch never disturbs the loop over them.
 */
export class EventNode {
  readonly children = new Map<string, EventNode>();
  handlers: readonly HandlerEntry[] = NONE;
  streams: readonly StreamEntry[] = NONE;
  /** handlers or streams present: the one check on the hot path. */
  active = false;
  /** Held by a handle or a span cache: never pruned. */
  pinned = false;
  /** The span event resolved for this prefix by `span()`, cached (its nodes are pinned). */
  span: unknown = undefined;
  /** Its own dispatch code (node-dispatch.ts), made with its first handle (then kept). */
  code: NodeCode | undefined = undefined;

  constructor(
    readonly name: EventName,
    readonly parent: EventNode | undefined,
  ) {}

  refresh(): void {
    this.active = this.handlers.length !== 0 || this.streams.length !== 0;
  }

  /** Nothing holds this node: no handler, no child, no handle. */
  get idle(): boolean {
    return this.handlers.length === 0 && this.children.size === 0 && !this.pinned;
  }
}
