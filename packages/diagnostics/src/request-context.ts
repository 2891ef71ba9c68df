import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { correlationId, currentSpanId, type EventHandle, type Measurements, type Metadata, type OpenSpan, type SpanEvent } from '@rx-telemetry/core';

/** What a client request needs to know about the server request whose handler made it. */
export interface ServerContext {
  /** Captured inside the server span's callback: running in it makes core's current span the server span. */
  readonly resource: AsyncResource | undefined;
  /** Core's span id and correlation id around the request handler (the connection's context). */
  readonly outerSpanId: number | undefined;
  readonly outerCorrelationId: string | undefined;
}

/**
 * Node publishes `http.server.request.start` synchronously right before it calls the request
 * listener, in the connection's async context; the listener does not run inside the span the
 * bridge opens there (core can only run a callback inside a span). So the bridge marks the rest of
 * that execution with its own AsyncLocalStorage (`enterWith`, as APM agents do), and a client
 * request or fetch made by the handler is opened inside the server span's context, unless the
 * handler entered a context of its own on the bus (a span, `withCorrelation`): then that one is
 * the parent.
 */
export class RequestContext {
  readonly #storage = new AsyncLocalStorage<ServerContext | undefined>();

  /** Marks the rest of the current execution (the request listener and what it schedules) as `server`'s. */
  enter(server: ServerContext | undefined): void {
    // Clearing a mark only where one is set: while no server request is traced the storage stays off.
    if (server !== undefined || this.#storage.getStore() !== undefined) this.#storage.enterWith(server);
  }

  /** Opens a span of `spans` in the context a request made here belongs to. */
  start(spans: SpanEvent, metadata: Metadata): OpenSpan {
    const resource = this.#resource();
    return resource === undefined ? spans.start(metadata) : resource.runInAsyncScope(spans.start, spans, metadata);
  }

  /** Emits on `handle` in the context a request made here belongs to. */
  emit(handle: EventHandle, measurements: Measurements, metadata: Metadata): void {
    const resource = this.#resource();
    if (resource === undefined) handle.emit(measurements, metadata);
    else resource.runInAsyncScope(handle.emit, handle, measurements, metadata);
  }

  /** Stops propagating the bridge's storage (after the bridge unsubscribed). */
  disable(): void {
    this.#storage.disable();
  }

  #resource(): AsyncResource | undefined {
    const server = this.#storage.getStore();
    if (server === undefined || server.resource === undefined) return undefined;
    // The handler's own span or withCorrelation is more specific than the server span.
    if (currentSpanId() !== server.outerSpanId || correlationId() !== server.outerCorrelationId) return undefined;
    return server.resource;
  }
}
