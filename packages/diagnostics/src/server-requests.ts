import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { enterSpan, withCorrelation, withTraceparent, type Metadata, type OpenSpan, type SpanEvent, type Telemetry } from '@rx-telemetry/core';
import type { ChannelSubscriptions } from './channel-subscriptions.js';
import { HTTP_SERVER_SPAN } from './events.js';
import type { FailureCounter } from './failure-counter.js';
import type { OpenRequests } from './open-requests.js';
import { ServerRequestSpan } from './server-request-span.js';
import { newRequestId } from './request-ids.js';
import { correlationIdFrom, pathOf } from './url-parts.js';

/** Maps a finished server request to its route (a template such as `/users/:id`, never the raw path). */
export type RouteOf = (request: IncomingMessage, response: ServerResponse) => string | undefined;

export interface ServerRequestOptions {
  readonly correlationHeader: string | false;
  readonly traceparent: boolean;
  readonly route: RouteOf | undefined;
}

interface StartMessage {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly socket: Socket;
}

interface FinishMessage {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
}

// Server requests are roots of their own (or continue an incoming traceparent): this resource was
// made at module load, outside any span or correlation, and the span is opened inside it.
const ROOT = new AsyncResource('rx-telemetry.diagnostics.root', { requireManualDestroy: true });
const ABORTED = 'the connection closed before the response finished';

/**
 * `http.server.request.start` / `http.server.response.finish` → `['http','server','request']` spans.
 * Node publishes the start synchronously right before it calls the request listener, so the span
 * opened there is entered (core's `enterSpan`) for the rest of that execution: the handler, and
 * everything it schedules, runs with the server span as current span and its correlation id.
 */
export class ServerRequests {
  readonly #spans: SpanEvent;
  readonly #open: OpenRequests;
  readonly #failures: FailureCounter;
  readonly #options: ServerRequestOptions;
  readonly #records = new WeakMap<ServerResponse, ServerRequestSpan>();

  constructor(bus: Telemetry, subscriptions: ChannelSubscriptions, open: OpenRequests, failures: FailureCounter, options: ServerRequestOptions) {
    this.#spans = bus.spanEvent(HTTP_SERVER_SPAN);
    this.#open = open;
    this.#failures = failures;
    this.#options = options;
    subscriptions.subscribe<StartMessage>('http.server.request.start', (m) => this.#start(m));
    subscriptions.subscribe<FinishMessage>('http.server.response.finish', (m) => this.#finish(m));
  }

  #start({ request, response, socket }: StartMessage): void {
    const spans = this.#spans;
    // Untraced (nobody observes, or the bound is reached): the handler runs in the connection's
    // context, which on a keep-alive connection still holds the previous request's span (core has
    // no way to leave an entered span; see docs/diagnostics.md).
    if (!spans.active || !this.#open.hasRoom()) return;
    const metadata: Metadata = {
      kind: 'server',
      method: request.method,
      scheme: (socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http',
      path: pathOf(request.url),
    };
    const options = this.#options;
    const id = (options.correlationHeader === false ? undefined : correlationIdFrom(request.headers[options.correlationHeader])) ?? newRequestId();
    const traceparent = options.traceparent ? request.headers.traceparent : undefined;
    const span = ROOT.runInAsyncScope(openServerSpan, null, spans, metadata, id, traceparent);
    if (span.spanId === 0) return; // core opened none (nobody observes any more, or it reported a failure)
    const record = new ServerRequestSpan(span, this.#open);
    this.#open.add(record);
    this.#records.set(response, record);
    // The request listener runs next, in this execution: from here on the server span is current.
    enterSpan(span);
    response.once('close', () => {
      // After a finished response 'close' comes too: only an unfinished one is an abort (and worth an Error's stack).
      if (!record.ended) record.fail(new Error(ABORTED), response.headersSent ? response.statusCode : undefined);
    });
  }

  #finish({ request, response }: FinishMessage): void {
    const record = this.#records.get(response);
    if (record === undefined) return;
    this.#records.delete(response);
    let route: string | undefined;
    const routeOf = this.#options.route;
    if (routeOf !== undefined) {
      try {
        const r = routeOf(request, response);
        route = typeof r === 'string' ? r : undefined;
      } catch (failure) {
        this.#failures.report('http.server.response.finish', failure);
      }
    }
    record.finish(response.statusCode, route);
  }
}

function openServerSpan(spans: SpanEvent, metadata: Metadata, id: string, traceparent: string | string[] | undefined): OpenSpan {
  const start = (): OpenSpan => spans.start(metadata);
  return traceparent === undefined ? withCorrelation(id, start) : withTraceparent(traceparent, () => withCorrelation(id, start));
}
