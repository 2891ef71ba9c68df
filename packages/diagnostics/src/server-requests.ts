import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { correlationId, currentSpanId, withCorrelation, withTraceparent, type Metadata, type SpanEvent, type Telemetry } from '@rx-telemetry/core';
import type { ChannelSubscriptions } from './channel-subscriptions.js';
import { HTTP_SERVER_SPAN } from './events.js';
import type { FailureCounter } from './failure-counter.js';
import type { OpenRequests } from './open-requests.js';
import type { RequestContext } from './request-context.js';
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
const swallow = (): void => undefined;
const ABORTED = 'the connection closed before the response finished';

/** `http.server.request.start` / `http.server.response.finish` → `['http','server','request']` spans. */
export class ServerRequests {
  readonly #spans: SpanEvent;
  readonly #open: OpenRequests;
  readonly #context: RequestContext;
  readonly #failures: FailureCounter;
  readonly #options: ServerRequestOptions;
  readonly #records = new WeakMap<ServerResponse, ServerRequestSpan>();

  constructor(bus: Telemetry, subscriptions: ChannelSubscriptions, open: OpenRequests, context: RequestContext, failures: FailureCounter, options: ServerRequestOptions) {
    this.#spans = bus.spanEvent(HTTP_SERVER_SPAN);
    this.#open = open;
    this.#context = context;
    this.#failures = failures;
    this.#options = options;
    subscriptions.subscribe<StartMessage>('http.server.request.start', (m) => this.#start(m));
    subscriptions.subscribe<FinishMessage>('http.server.response.finish', (m) => this.#finish(m));
  }

  #start({ request, response, socket }: StartMessage): void {
    const spans = this.#spans;
    if (!spans.active || !this.#open.hasRoom()) {
      this.#context.enter(undefined);
      return;
    }
    const record = new ServerRequestSpan(currentSpanId(), correlationId(), this.#open);
    const metadata: Metadata = {
      kind: 'server',
      method: request.method,
      scheme: (socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http',
      path: pathOf(request.url),
    };
    const options = this.#options;
    const id = (options.correlationHeader === false ? undefined : correlationIdFrom(request.headers[options.correlationHeader])) ?? newRequestId();
    const traceparent = options.traceparent ? request.headers.traceparent : undefined;
    ROOT.runInAsyncScope(openServerSpan, null, spans, metadata, record, id, traceparent);
    if (record.resource === undefined) {
      // Core did not open a span (nobody observes any more, or it reported a failure).
      this.#context.enter(undefined);
      return;
    }
    this.#open.add(record);
    this.#records.set(response, record);
    this.#context.enter(record);
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

function openServerSpan(spans: SpanEvent, metadata: Metadata, record: ServerRequestSpan, id: string, traceparent: string | string[] | undefined): void {
  const run = (): void => void spans.run(metadata, (scope) => record.begin(scope))?.then(undefined, swallow);
  if (traceparent === undefined) withCorrelation(id, run);
  else withTraceparent(traceparent, () => withCorrelation(id, run));
}
