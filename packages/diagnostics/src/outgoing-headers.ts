import { correlationId, currentTraceContext, formatTraceparent, type OpenSpan } from '@rx-telemetry/core';
import { correlationIdFrom } from './url-parts.js';

/**
 * The parts of undici's request object propagation touches. undici (6.x in Node 20.20) keeps the
 * headers as a flat `[name, value, …]` array, undici 5 as one `'name: value\r\n…'` string;
 * `addHeader(name, value)` appends one, and works until the request is written, which is after
 * `undici:request:create` is published.
 */
export interface HeaderTarget {
  readonly headers?: unknown;
  readonly addHeader?: unknown;
}

/** What outgoing requests carry: the `traceparent` header, and the header the correlation id goes in. */
export interface Propagation {
  readonly traceparent: boolean;
  /** Lower-case header name, or undefined: the correlation id is not sent. */
  readonly correlationHeader: string | undefined;
}

/**
 * Adds `traceparent` and the correlation id to an outgoing undici request, unless it already has
 * them: from `span` (the request's client span) when traced, else from the current context (the
 * span or correlation the request was made in), so an untraced request still continues the trace.
 * A correlation id that is not a valid header value (`withCorrelation` takes any string) is not sent.
 */
export function addOutgoingHeaders(request: HeaderTarget, span: OpenSpan | undefined, propagation: Propagation): void {
  const add = request.addHeader;
  if (typeof add !== 'function') return; // not an undici Request we know: leave it alone
  if (propagation.traceparent) {
    const context = span === undefined ? currentTraceContext() : span.traceContext();
    if (context !== undefined && !hasHeader(request.headers, 'traceparent')) add.call(request, 'traceparent', formatTraceparent(context));
  }
  const header = propagation.correlationHeader;
  if (header !== undefined) {
    const id = correlationIdFrom(span === undefined ? correlationId() : span.correlationId);
    if (id !== undefined && !hasHeader(request.headers, header)) add.call(request, header, id);
  }
}

/** Whether undici's headers (a flat array or a string) have `name` (lower case), in any case. */
export function hasHeader(headers: unknown, name: string): boolean {
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) {
      const key: unknown = headers[i];
      if (typeof key === 'string' && key.length === name.length && key.toLowerCase() === name) return true;
    }
    return false;
  }
  if (typeof headers !== 'string' || headers.length === 0) return false;
  const lower = headers.toLowerCase();
  return lower.startsWith(`${name}:`) || lower.includes(`\r\n${name}:`);
}
