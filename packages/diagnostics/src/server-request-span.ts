import type { OpenSpan } from '@rx-telemetry/core';
import type { OpenRequest, OpenRequests } from './open-requests.js';

/**
 * One traced server request: a span opened by hand when Node publishes the request's start,
 * stopped when the response finishes, or ended as an exception when the connection closes first
 * (or the bridge stops).
 */
export class ServerRequestSpan implements OpenRequest {
  #ended = false;

  constructor(
    readonly span: OpenSpan,
    readonly open: OpenRequests,
  ) {}

  get ended(): boolean {
    return this.#ended;
  }

  /** The response finished: the stop event, with its status code and route. */
  finish(statusCode: number, route: string | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.open.delete(this);
    this.span.stop(undefined, route === undefined ? { statusCode } : { statusCode, route });
  }

  /** The exception event: the connection closed before the response finished, or the bridge stopped. */
  fail(error: Error, statusCode: number | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.open.delete(this);
    this.span.exception(error, statusCode === undefined ? undefined : { statusCode });
  }

  abandon(reason: Error): void {
    this.fail(reason, undefined);
  }
}
