/**
 * A request that failed after every attempt. Its message names the method, the target as shown
 * (never credentials), the attempts and the last reason, e.g.
 * `POST https://***@hooks.example.com/… failed after 3 attempts: HTTP 503: overloaded`.
 */
export class HttpRequestError extends Error {
  readonly code = 'ERR_HTTP_REQUEST' as const;
  constructor(
    message: string,
    /** Attempts made (1 + retries made). */
    readonly attempts: number,
    /** The last reason alone, e.g. `HTTP 503: overloaded`, `timed out after 2000 ms`, `fetch failed (ECONNREFUSED)`. */
    readonly reason: string,
    /** The last HTTP status, when the peer answered. */
    readonly status?: number,
    /** The start of the last answer's body (at most `BODY_PREFIX_BYTES`), credentials redacted. */
    readonly body: string = '',
  ) {
    super(message);
    this.name = 'HttpRequestError';
  }
}
