import dc from 'node:diagnostics_channel';
import type { SpanContextInfo, SpanEndInfo, Telemetry } from '@rx-telemetry/core';
import { watchTracingChannel } from './channel-watch.js';
import { DropCounter } from './drop-counter.js';
import { SpanMessage } from './span-message.js';

export interface SpanPublisherOptions {
  /** The TracingChannel's name (default `'rx-telemetry:span'`: channels `tracing:rx-telemetry:span:start`, …). */
  readonly name?: string;
  /** Spans published and not ended yet (default 10,000); beyond it a span is not published and is counted. */
  readonly maxOpenSpans?: number;
}

/** The bus's spans published as a TracingChannel (see `publishSpans`). */
export interface SpanPublisher {
  /** The TracingChannel's name. */
  readonly name: string;
  /** True while the channel has subscribers and the bus's spans are published to it. */
  readonly publishing: boolean;
  /** Stops publishing and watching (idempotent; `telemetry.shutdown()` calls it). */
  stop(): Promise<void>;
}

export const DEFAULT_SPAN_CHANNEL = 'rx-telemetry:span';

const published = new WeakMap<Telemetry, Set<string>>();
let seq = 0;

function isPromiseLike(value: unknown): boolean {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Publishes every span of `bus` on the TracingChannel `name`, so tools that listen on tracing
 * channels see them: a span's callback runs inside `start.runStores()` (stores bound to the start
 * channel apply to it); `end` follows the callback, `asyncStart` / `asyncEnd` the end of a span
 * whose callback returned a promise or that was opened by hand, `error` a failure. While the
 * channel has no subscriber nothing is bound to the bus: spans cost what they cost without it.
 *
 * ```ts
 * publishSpans(telemetry);
 * diagnostics_channel.tracingChannel('rx-telemetry:span').subscribe({ start: (m) => console.log(m.name), end() {}, asyncStart() {}, asyncEnd() {}, error() {} });
 * ```
 */
export function publishSpans(bus: Telemetry, options?: SpanPublisherOptions): SpanPublisher {
  if (bus === null || typeof bus !== 'object' || typeof bus.bindSpanContext !== 'function' || typeof bus.manage !== 'function') {
    throw new TypeError('publishSpans: the first argument must be a Telemetry bus (e.g. the default `telemetry`)');
  }
  const name = options?.name ?? DEFAULT_SPAN_CHANNEL;
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('publishSpans: options.name must be a non-empty string');
  const max = options?.maxOpenSpans ?? 10_000;
  if (!Number.isInteger(max) || max < 1) throw new TypeError('publishSpans: options.maxOpenSpans must be a positive integer');
  const names = published.get(bus) ?? new Set<string>();
  if (names.has(name)) throw new TypeError(`publishSpans: this bus's spans are already published on '${name}' (a second publisher would publish each span twice)`);

  const tc = dc.tracingChannel<unknown, SpanMessage>(name);
  const drops = new DropCounter(bus, 'max_open_spans', max);
  const pending = new Map<number, SpanMessage>();

  const runTraced = (message: SpanMessage, fn: () => unknown): unknown => {
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      message.error = error;
      tc.error.publish(message);
      tc.end.publish(message);
      throw error;
    }
    if (isPromiseLike(result)) pending.set(message.spanId, message);
    else message.result = result;
    tc.end.publish(message);
    return result;
  };
  const hook = <T>(span: SpanContextInfo, fn: () => T): T => {
    if (!tc.hasSubscribers) return fn();
    if (pending.size >= max) {
      drops.drop();
      return fn();
    }
    const message = new SpanMessage(span);
    return tc.start.runStores(message, runTraced, undefined, message, fn) as T;
  };
  const onStart = (span: SpanContextInfo): void => {
    if (!tc.hasSubscribers) return;
    if (pending.size >= max) return drops.drop();
    const message = new SpanMessage(span);
    pending.set(span.spanId, message);
    tc.start.publish(message);
    tc.end.publish(message);
  };
  const onEnd = (end: SpanEndInfo): void => {
    const message = pending.get(end.spanId);
    if (message === undefined) return; // a synchronous span (already ended), or one started before publishing began
    pending.delete(end.spanId);
    message.duration = end.duration;
    message.endMetadata = end.metadata;
    if (end.failed) {
      message.error = end.error;
      tc.error.publish(message);
    }
    tc.asyncStart.publish(message);
    tc.asyncEnd.publish(message);
  };

  let unbind: (() => void) | undefined;
  let stopped = false;
  const sync = (): void => {
    const wanted = !stopped && tc.hasSubscribers;
    if (wanted && unbind === undefined) unbind = bus.bindSpanContext(hook, { onStart, onEnd });
    else if (!wanted && unbind !== undefined) {
      unbind();
      unbind = undefined;
      pending.clear();
    }
  };
  const unwatch = watchTracingChannel(name, sync);
  names.add(name);
  published.set(bus, names);
  sync();
  const stop = bus.manage(`diagnostics-span-publisher-${++seq}`, () => {
    stopped = true;
    unwatch();
    sync();
    drops.flush();
    names.delete(name);
  });
  return {
    name,
    get publishing() {
      return unbind !== undefined;
    },
    stop,
  };
}
