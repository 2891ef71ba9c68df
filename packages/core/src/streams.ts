import type { Observable, Subscriber } from 'rxjs';
import { describe, type EventName, type Measurements, type Metadata } from './event-name.js';
import type { EventNode, StreamEntry } from './event-node.js';
import { EventStream } from './event-stream.js';
import { matches } from './pattern.js';
import { storage } from './context.js';
import type { TelemetryEvent } from './telemetry-event.js';

/** What the stream registry needs from the bus: its trie and its failure reporting. */
export interface StreamHost {
  walk(visit: (node: EventNode) => void): void;
  reportFailure(handlerId: string, event: EventName, error: unknown): void;
}

/**
 * `events(pattern)` subscriptions. A subscription is added to every existing trie node its
 * pattern matches (so a known name pays one array check); a name without a node is matched
 * against the patterns at emit time, creating nothing (`deliverUnbound`).
 */
export class Streams {
  entries: readonly StreamEntry[] = [];
  readonly #host: StreamHost;

  constructor(host: StreamHost) {
    this.#host = host;
  }

  events(pattern: EventName): Observable<TelemetryEvent> {
    if (!Array.isArray(pattern) || pattern.some((s) => typeof s !== 'string' || s.length === 0)) {
      throw new TypeError(`pattern must be an array of non-empty strings, got ${describe(pattern)}`);
    }
    const frozen = Object.freeze([...pattern]);
    const label = `events(${frozen.length === 0 ? '' : frozen.join('.')})`;
    return new EventStream<TelemetryEvent>(
      (subscriber: Subscriber<TelemetryEvent>) => {
        const entry: StreamEntry = { pattern: frozen, subscriber };
        this.#add(entry);
        return () => this.#remove(entry);
      },
      (error) => this.#host.reportFailure(label, frozen, error),
    );
  }

  /** The streams a new trie node with this name must carry. */
  matching(name: EventName): readonly StreamEntry[] {
    let out: StreamEntry[] | undefined;
    for (const s of this.entries) if (matches(name, s.pattern)) (out ??= []).push(s);
    return out ?? [];
  }

  /** True when some stream would receive `name`. */
  wants(name: EventName): boolean {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) if (matches(name, entries[i].pattern)) return true;
    return false;
  }

  /** Delivers to a node's streams. */
  deliver(streams: readonly StreamEntry[], name: EventName, measurements: Measurements, metadata: Metadata): void {
    const event: TelemetryEvent = { name, measurements, metadata, correlationId: storage.getStore()?.correlationId };
    for (let i = 0; i < streams.length; i++) this.#next(streams[i], event);
  }

  /** Delivers an emission of a name that has no trie node to every stream whose pattern matches it. */
  deliverUnbound(name: EventName, measurements: Measurements, metadata: Metadata): void {
    const entries = this.entries;
    let event: TelemetryEvent | undefined;
    for (let i = 0; i < entries.length; i++) {
      if (!matches(name, entries[i].pattern)) continue;
      event ??= { name: Object.freeze([...name]), measurements, metadata, correlationId: storage.getStore()?.correlationId };
      this.#next(entries[i], event);
    }
  }

  #next(entry: StreamEntry, event: TelemetryEvent): void {
    try {
      entry.subscriber.next(event);
    } catch (error) {
      // EventStream guards consumers; this only catches a failing custom Subscriber.
      this.#host.reportFailure(`events(${entry.pattern.join('.')})`, event.name, error);
    }
  }

  #add(entry: StreamEntry): void {
    this.entries = [...this.entries, entry];
    this.#host.walk((node) => {
      if (node.name.length !== 0 && matches(node.name, entry.pattern)) {
        node.streams = [...node.streams, entry];
        node.refresh();
      }
    });
  }

  #remove(entry: StreamEntry): void {
    this.entries = this.entries.filter((s) => s !== entry);
    this.#host.walk((node) => {
      if (node.streams.includes(entry)) {
        node.streams = node.streams.filter((s) => s !== entry);
        node.refresh();
      }
    });
  }
}
