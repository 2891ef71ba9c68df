import type { EventName } from './event-name.js';
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

const NONE: readonly never[] = Object.freeze([]);

/**
 * A node of the event-name trie: one Map lookup per name segment, so emitting with a literal
 * array never joins strings. Listener arrays are copy-on-write, so a handler that detaches
 * (itself or another) during dispatch never disturbs the loop running over them.
 */
export class EventNode {
  readonly children = new Map<string, EventNode>();
  handlers: readonly HandlerEntry[] = NONE;
  streams: readonly StreamEntry[] = NONE;
  /** handlers or streams present: the one check on the hot path. */
  active = false;
  /** start/stop/exception children, resolved once for `span()`. */
  span: SpanNodes | undefined = undefined;

  constructor(readonly name: EventName) {}

  refresh(): void {
    this.active = this.handlers.length !== 0 || this.streams.length !== 0;
  }
}

export interface SpanNodes {
  readonly start: EventNode;
  readonly stop: EventNode;
  readonly exception: EventNode;
}
