import type { Metadata, SpanEvent, Telemetry } from '@rx-telemetry/core';
import type { ChannelSubscriptions } from './channel-subscriptions.js';
import { ClientRequestSpan } from './client-request-span.js';
import { UNDICI_SPAN } from './events.js';
import type { OpenRequests } from './open-requests.js';
import type { RequestContext } from './request-context.js';
import { pathOf, splitOrigin } from './url-parts.js';

/** The fields of undici's request object the bridge reads (undici's channels hand out its internal Request). */
interface UndiciRequest {
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
 * correlation are the caller's; `trailers` means the whole response was received.
 */
export class UndiciRequests {
  readonly #spans: SpanEvent;
  readonly #open: OpenRequests;
  readonly #context: RequestContext;
  readonly #records = new WeakMap<UndiciRequest, ClientRequestSpan>();

  constructor(bus: Telemetry, subscriptions: ChannelSubscriptions, open: OpenRequests, context: RequestContext) {
    this.#spans = bus.spanEvent(UNDICI_SPAN);
    this.#open = open;
    this.#context = context;
    subscriptions.subscribe<RequestMessage>('undici:request:create', (m) => this.#create(m.request));
    subscriptions.subscribe<HeadersMessage>('undici:request:headers', (m) => this.#records.get(m.request)?.headers(m.response.statusCode));
    subscriptions.subscribe<RequestMessage>('undici:request:trailers', (m) => this.#records.get(m.request)?.stop());
    subscriptions.subscribe<ErrorMessage>('undici:request:error', (m) => this.#records.get(m.request)?.fail(m.error));
  }

  #create(request: UndiciRequest): void {
    if (!this.#spans.active || !this.#open.hasRoom()) return;
    const { scheme, serverAddress, serverPort } = splitOrigin(request.origin);
    const metadata: Metadata = { kind: 'client', method: request.method, scheme, serverAddress, serverPort, path: pathOf(request.path) };
    const span = this.#context.start(this.#spans, metadata);
    if (span.spanId === 0) return;
    const record = new ClientRequestSpan(span, this.#open);
    this.#open.add(record);
    this.#records.set(request, record);
  }
}
