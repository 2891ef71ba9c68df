import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Metadata, SpanEvent, Telemetry } from '@rx-telemetry/core';
import type { ChannelSubscriptions } from './channel-subscriptions.js';
import { ClientRequestSpan } from './client-request-span.js';
import { HTTP_CLIENT_SPAN } from './events.js';
import type { OpenRequests } from './open-requests.js';
import { pathOf, splitHost } from './url-parts.js';

interface RequestMessage {
  readonly request: ClientRequest;
}
interface ResponseMessage {
  readonly request: ClientRequest;
  readonly response: IncomingMessage;
}
interface ErrorMessage {
  readonly request: ClientRequest;
  readonly error: unknown;
}

const ABORTED = 'the request closed before its response was complete';

/**
 * `http.client.request.start` / `http.client.response.finish` / `http.client.request.error` →
 * `['http','client','request']` spans. Node publishes the start when the request has been
 * written (in the caller's async context, unless the request waited in a saturated Agent's queue)
 * and `response.finish` when the response headers arrive; the span stops when the response body
 * has been read (`'end'`), or fails on an error or when the request closes first. The headers are
 * sent by then, so nothing is propagated: a caller adds core's `traceparent()` itself.
 */
export class ClientRequests {
  readonly #spans: SpanEvent;
  readonly #open: OpenRequests;
  readonly #records = new WeakMap<ClientRequest, ClientRequestSpan>();

  constructor(bus: Telemetry, subscriptions: ChannelSubscriptions, open: OpenRequests) {
    this.#spans = bus.spanEvent(HTTP_CLIENT_SPAN);
    this.#open = open;
    subscriptions.subscribe<RequestMessage>('http.client.request.start', (m) => this.#start(m.request));
    subscriptions.subscribe<ResponseMessage>('http.client.response.finish', (m) => this.#response(m));
    subscriptions.subscribe<ErrorMessage>('http.client.request.error', (m) => this.#error(m));
  }

  #start(request: ClientRequest): void {
    if (!this.#spans.active || this.#records.has(request) || !this.#open.hasRoom()) return;
    const span = this.#spans.start(metadataOf(request));
    if (span.spanId === 0) return;
    const record = new ClientRequestSpan(span, this.#open);
    this.#open.add(record);
    this.#records.set(request, record);
    request.once('close', () => {
      if (record.ended) return;
      if ((request as { res?: IncomingMessage | null }).res?.complete === true) record.stop();
      else record.fail(new Error(ABORTED));
    });
  }

  #response({ request, response }: ResponseMessage): void {
    const record = this.#records.get(request);
    if (record === undefined) return;
    record.headers(response.statusCode ?? 0);
    response.once('end', () => record.stop());
  }

  #error({ request, error }: ErrorMessage): void {
    const record = this.#records.get(request);
    if (record !== undefined) {
      record.fail(error);
      return;
    }
    // Failed before Node published its start (a refused socket can fail first): still one span, ended at once.
    if (!this.#spans.active || !this.#open.hasRoom()) return;
    this.#spans.start(metadataOf(request)).exception(error);
  }
}

function metadataOf(request: ClientRequest): Metadata {
  const scheme = typeof request.protocol === 'string' ? request.protocol.replace(/:$/, '') : undefined;
  const header = request.getHeader('host');
  const { serverAddress, serverPort } = splitHost(typeof header === 'string' ? header : request.host, scheme);
  return { kind: 'client', method: request.method, scheme, serverAddress, serverPort, path: pathOf(request.path) };
}
