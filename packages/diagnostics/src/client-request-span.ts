import { msToNs, now, type OpenSpan } from '@rx-telemetry/core';
import type { OpenRequest, OpenRequests } from './open-requests.js';

/**
 * One traced client request (node:http or undici): a span opened by hand when the request is
 * sent, told the status when the response headers arrive, stopped when the response is complete
 * (or ended as an exception on an error or an abort).
 */
export class ClientRequestSpan implements OpenRequest {
  #statusCode: number | undefined = undefined;
  #headersAt: number | undefined = undefined;
  #ended = false;

  constructor(
    readonly span: OpenSpan,
    readonly open: OpenRequests,
  ) {}

  get ended(): boolean {
    return this.#ended;
  }

  /** The response headers arrived. */
  headers(statusCode: number): void {
    this.#statusCode = statusCode;
    this.#headersAt = now();
  }

  /** The response is complete. */
  stop(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.open.delete(this);
    const statusCode = this.#statusCode;
    const headersAt = this.#headersAt;
    if (statusCode === undefined || headersAt === undefined) this.span.stop();
    else this.span.stop({ timeToHeaders: msToNs(headersAt - this.span.startTime) }, { statusCode });
  }

  /** The request failed or was aborted. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.open.delete(this);
    const statusCode = this.#statusCode;
    const headersAt = this.#headersAt;
    if (statusCode !== undefined && headersAt !== undefined) this.span.measure({ timeToHeaders: msToNs(headersAt - this.span.startTime) });
    this.span.exception(error, statusCode === undefined ? undefined : { statusCode });
  }

  abandon(reason: Error): void {
    this.fail(reason);
  }
}
