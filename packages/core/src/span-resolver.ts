import { invalidNameReason, MAX_NAME_SEGMENTS } from './event-limits.js';
import type { EventName } from './event-name.js';
import { EventNode } from './event-node.js';
import type { EventTrie } from './event-trie.js';
import type { Dispatch } from './handles.js';
import type { DispatchHost } from './node-dispatch.js';
import { SPAN_RUN_HOST, SpanEventImpl } from './span-events.js';
import { SpanRunCompiler } from './span-run-code.js';
import type { SpanHooks } from './span-hooks.js';
import type { Streams } from './streams.js';
import { checkWrongBus, probing, type ProbedBus } from './wrong-bus.js';

/** What resolving span prefixes needs from the bus. */
export interface SpanHost {
  readonly bus: ProbedBus;
  readonly trie: EventTrie;
  readonly streams: Streams;
  readonly hooks: SpanHooks;
  readonly dispatch: Dispatch;
  reportFailure(event: EventName, error: unknown): void;
  /** What dispatch code calls off its fast path (node-dispatch.ts): span events' own run code calls it too. */
  readonly dispatchHost: DispatchHost;
  skipInvalid(name: unknown, reason: string): void;
}

// Never active (no handler, no stream, outside the trie): the events of a span only hooks observe.
const INERT = new EventNode(Object.freeze(['telemetry', 'inert']), undefined);

/**
 * Finds the span event of a prefix: cached on its trie node when something is attached under
 * it, built for the call (creating nothing that lasts) when only streams or hooks observe it,
 * none when nobody does (the idle path runs the callback bare).
 */
export class SpanResolver {
  readonly #host: SpanHost;

  constructor(host: SpanHost) {
    this.#host = host;
    this.#runCode = new SpanRunCompiler(SPAN_RUN_HOST, host.dispatchHost);
  }

  /** The span event for `prefix`, or undefined when nobody observes it. */
  resolve(prefix: EventName): SpanEventImpl | undefined {
    if (!Array.isArray(prefix)) return this.#unbound(prefix);
    let node = this.#host.trie.root;
    for (let i = 0; i < prefix.length; i++) {
      const next = node.children.get(prefix[i]);
      if (next === undefined) return this.#unbound(prefix);
      node = next;
    }
    if (node.span !== undefined) return node.span as SpanEventImpl;
    if (prefix.length === 0) return this.#unbound(prefix);
    node.pinned = true;
    return this.handle(node);
  }

  /** The span event cached on `node`, whose `run` gets code of its own once it is hot (span-run-code.ts). */
  handle(node: EventNode): SpanEventImpl {
    const ev = this.cached(node);
    ev.armAfter(this.#runCode);
    return ev;
  }

  readonly #runCode: SpanRunCompiler;

  /** The span event cached on `node` (created, with its three event nodes pinned, on first use). */
  cached(node: EventNode): SpanEventImpl {
    if (node.span !== undefined) return node.span as SpanEventImpl;
    const { trie, dispatch, hooks } = this.#host;
    const prefix = node.name;
    const ev = new SpanEventImpl(prefix, trie.pin([...prefix, 'start']), trie.pin([...prefix, 'stop']), trie.pin([...prefix, 'exception']), dispatch, hooks, this.#failure);
    node.span = ev;
    return ev;
  }

  readonly #failure = (event: EventName, error: unknown): void => this.#host.reportFailure(event, error);

  // A prefix nobody attached to: streams and hooks may still want it; nothing is created.
  #unbound(prefix: EventName): SpanEventImpl | undefined {
    const host = this.#host;
    if (host.streams.entries.length === 0 && host.hooks.wrap === undefined) {
      if (probing && Array.isArray(prefix)) checkWrongBus(host.bus, [...prefix, 'stop']);
      return undefined;
    }
    const reason = invalidNameReason(prefix);
    if (reason !== undefined || prefix.length >= MAX_NAME_SEGMENTS) {
      host.skipInvalid(prefix, reason ?? 'span prefix too long');
      return undefined;
    }
    return new SpanEventImpl(prefix, this.#detached(prefix, 'start'), this.#detached(prefix, 'stop'), this.#detached(prefix, 'exception'), host.dispatch, host.hooks, this.#failure);
  }

  // Only when a stream wants the name: a span that only hooks observe (the OTel bridge on a
  // prefix nobody attached to) shares one inert node and allocates no name.
  #detached(prefix: EventName, phase: string): EventNode {
    const streams = this.#host.streams;
    if (streams.entries.length === 0) return INERT;
    const name = Object.freeze([...prefix, phase]);
    if (!streams.wants(name)) return INERT;
    const node = new EventNode(name, undefined);
    node.streams = streams.matching(name);
    node.refresh();
    return node;
  }
}
