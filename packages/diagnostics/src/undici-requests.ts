import type { Metadata, OpenSpan, SpanEvent, Telemetry } from '@rx-telemetry/core';
import type { ChannelSubscriptions } from './channel-subscriptions.js';
import { ClientRequestSpan } from './client-request-span.js';
import { UNDICI_SPAN } from './events.js';
import type { OpenRequests } from './open-requests.js';
import { addOutgoingHeaders, type HeaderTarget, type Propagation } from './outgoing-headers.js';
import { pathOf, splitOrigin } from './url-parts.js';

/** The fields of undici's request object the bridge reads (undici's channels hand out its internal Request). */
interface UndiciRequest extends HeaderTarget {
  readonly origin?: unknown;
  readonly method?: unknown;
  readonly path?: unknown;
}
interface RequestMessage {
  readonly request: UndiciRequest;
}
interface HeadersMessage {
  readonly request: UndiciRequest;
  readonly response: { readonly statusCode: number };
}
interface ErrorMessage {
  readonly request: UndiciRequest;
  readonly error: unknown;
}

/**
 * `undici:request:create` / `headers` / `trailers` / `error` → `['undici','request']` spans (every
 * `fetch`). undici publishes `create` inside the caller's async chain, so the span's parent and
 * correlation are the caller's (a server request's handler included: the server span is entered
 * there); `trailers` means the whole response was received. At `create` the request's headers are
 * not written yet, so the span's `traceparent` and the correlation id are added to them
 * (`propagate`), also when the request itself is not traced.
 */
export class UndiciRequests {
  readonly #spans: SpanEvent;
  readonly #open: OpenRequests;
  readonly #propagation: Propagation | undefined;
  readonly #records = new WeakMap<UndiciRequest, ClientRequestSpan>();

  constructor(bus: Telemetry, subscriptions: ChannelSubscriptions, open: OpenRequests, propagation: Propagation) {
    this.#spans = bus.spanEvent(UNDICI_SPAN);
    this.#open = open;
    this.#propagation = propagation.traceparent || propagation.correlationHeader !== undefined ? propagation : undefined;
    subscriptions.subscribe<RequestMessage>('undici:request:create', (m) => this.#create(m.request));
    subscriptions.subscribe<HeadersMessage>('undici:request:headers', (m) => this.#records.get(m.request)?.headers(m.response.statusCode));
    subscriptions.subscribe<RequestMessage>('undici:request:trailers', (m) => this.#records.get(m.request)?.stop());
    subscriptions.subscribe<ErrorMessage>('undici:request:error', (m) => this.#records.get(m.request)?.fail(m.error));
  }

  #create(request: UndiciRequest): void {
    const span = this.#trace(request);
    if (this.#propagation !== undefined) addOutgoingHeaders(request, span, this.#propagation);
  }

  /** Opens the request's span; undefined when it is not traced (nobody observes, a bound, a failure). */
  #trace(request: UndiciRequest): OpenSpan | undefined {
    if (!this.#spans.active || !this.#open.hasRoom()) return undefined;
    const { scheme, serverAddress, serverPort } = splitOrigin(request.origin);
    const metadata: Metadata = { kind: 'client', method: request.method, scheme, serverAddress, serverPort, path: pathOf(request.path) };
    const span = this.#spans.start(metadata);
    if (span.spanId === 0) return undefined;
    const record = new ClientRequestSpan(span, this.#open);
    this.#open.add(record);
    this.#records.set(request, record);
    return span;
  }
}
