import { AsyncResource } from 'node:async_hooks';
import type { SpanScope } from '@rx-telemetry/core';
import type { OpenRequest, OpenRequests } from './open-requests.js';
import type { ServerContext } from './request-context.js';

const noop = (): void => undefined;

/**
 * One traced server request. Its span is opened with core's `run()`, whose callback returns a
 * promise settled when the response finishes (stop) or the connection closes first (exception):
 * that callback is the one place core's context is the server span, so the AsyncResource made
 * there lets client requests of the handler start as its children.
 */
export class ServerRequestSpan implements OpenRequest, ServerContext {
  resource: AsyncResource | undefined = undefined;
  #scope: SpanScope | undefined = undefined;
  #resolve: () => void = noop;
  #reject: (error: unknown) => void = noop;
  #ended = false;

  constructor(
    readonly outerSpanId: number | undefined,
    readonly outerCorrelationId: string | undefined,
    readonly open: OpenRequests,
  ) {}

  get ended(): boolean {
    return this.#ended;
  }

  /** The span's callback: captures its context and returns what settles it. */
  begin(scope: SpanScope): Promise<void> | undefined {
    if (scope.spanId === 0) return undefined; // core ran it bare: nobody observes, or it reported a failure
    this.#scope = scope;
    this.resource = new AsyncResource('rx-telemetry.http.server.request');
    return new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** The response finished: the stop event, with its status code and route. */
  finish(statusCode: number, route: string | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.open.delete(this);
    this.#scope?.set(route === undefined ? { statusCode } : { statusCode, route });
    this.#resolve();
  }

  /** The exception event: the connection closed before the response finished, or the bridge stopped. */
  fail(error: Error, statusCode: number | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.open.delete(this);
    if (statusCode !== undefined) this.#scope?.set({ statusCode });
    this.#reject(error);
  }

  abandon(reason: Error): void {
    this.fail(reason, undefined);
  }
}
