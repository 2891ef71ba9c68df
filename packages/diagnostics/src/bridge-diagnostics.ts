import type { Telemetry } from '@rx-telemetry/core';
import { ChannelSubscriptions } from './channel-subscriptions.js';
import { ClientRequests } from './client-requests.js';
import { DropCounter } from './drop-counter.js';
import { FailureCounter } from './failure-counter.js';
import { OpenRequests } from './open-requests.js';
import { resolveOptions, type DiagnosticsOptions } from './options.js';
import { bridgeSockets, WorkerEvents } from './plain-events.js';
import { ServerRequests } from './server-requests.js';
import { UndiciRequests } from './undici-requests.js';

/** A running bridge from Node's diagnostics channels to a bus. */
export interface DiagnosticsBridge {
  /** The diagnostics_channel names it is subscribed to (empty after `stop()`). */
  readonly channels: readonly string[];
  /** Requests being traced now. */
  readonly openRequests: number;
  /**
   * Unsubscribes from every channel, ends the spans of requests still in flight as exceptions
   * (reason: the bridge stopped) and reports pending drops; nothing is emitted after it resolves.
   * Idempotent: every call returns the same promise. `telemetry.shutdown()` calls it.
   */
  stop(): Promise<void>;
}

const bridged = new WeakSet<Telemetry>();
let seq = 0;

/**
 * Turns chosen Node diagnostics channels into events and spans on `bus`: node:http server and
 * client requests, undici requests (every `fetch`), sockets and worker threads. Subscribes now and
 * until `stop()`; before it and after it Node publishes nothing (no subscriber, no cost).
 *
 * ```ts
 * const bridge = bridgeDiagnostics(telemetry, { http: true, fetch: true, net: false });
 * telemetry.attach('log', ['http', 'server', 'request', 'stop'], (_e, m, md) => console.log(md.method, md.path, md.statusCode, m.duration));
 * ```
 */
export function bridgeDiagnostics(bus: Telemetry, options?: DiagnosticsOptions): DiagnosticsBridge {
  if (bus === null || typeof bus !== 'object' || typeof bus.spanEvent !== 'function' || typeof bus.manage !== 'function') {
    throw new TypeError('bridgeDiagnostics: the first argument must be a Telemetry bus (e.g. the default `telemetry`)');
  }
  const o = resolveOptions(options);
  if (bridged.has(bus)) throw new TypeError('bridgeDiagnostics: this bus already has a running bridge (stop it first); a second one would trace every request twice');
  const failures = new FailureCounter(bus);
  const drops = new DropCounter(bus, 'max_open_requests', o.maxOpenRequests);
  const open = new OpenRequests(o.maxOpenRequests, drops);
  const subscriptions = new ChannelSubscriptions(failures);
  let workers: WorkerEvents | undefined;
  try {
    if (o.server) new ServerRequests(bus, subscriptions, open, failures, { correlationHeader: o.correlationHeader, traceparent: o.traceparent, route: o.route });
    if (o.client) new ClientRequests(bus, subscriptions, open);
    if (o.fetch) new UndiciRequests(bus, subscriptions, open, { traceparent: o.propagateTraceparent, correlationHeader: o.propagateCorrelation });
    if (o.net) bridgeSockets(bus, subscriptions);
    if (o.workers) workers = new WorkerEvents(bus, subscriptions);
  } catch (failure) {
    subscriptions.unsubscribeAll();
    throw failure;
  }
  bridged.add(bus);
  const stop = bus.manage(`diagnostics-bridge-${++seq}`, () => {
    subscriptions.unsubscribeAll();
    workers?.stop();
    open.abandonAll(new Error('the diagnostics bridge stopped before the request ended'));
    drops.flush();
    failures.flush();
    bridged.delete(bus);
  });
  return {
    get channels() {
      return subscriptions.names;
    },
    get openRequests() {
      return open.size;
    },
    stop,
  };
}
