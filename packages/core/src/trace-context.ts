/**
 * W3C trace context (https://www.w3.org/TR/trace-context/): every span has a 32-hex trace id and
 * a 16-hex span id, created lazily on first read so a span nobody asks about pays nothing for
 * them. A span inherits its trace id from the enclosing span, from a `withTraceparent()` context,
 * or from OpenTelemetry's active context when the OTel bridge adopts its ids.
 */
export interface TraceContext {
  /** 32 lowercase hex characters, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex characters, not all zero. */
  readonly spanId: string;
  /** Bit 0 (1) is "sampled". */
  readonly traceFlags: number;
}

/** Anything that can tell its trace context lazily: a live span, or a context entered with `withTraceparent`. */
export interface TraceSource {
  traceContext(): TraceContext | undefined;
}

const HEX = '0123456789abcdef';

// Math.random is enough for ids (OpenTelemetry JS's RandomIdGenerator does the same); crypto
// costs ~10x more per id.
function randomHex(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += HEX[(Math.random() * 16) | 0];
  // All-zero ids are invalid: make the last digit non-zero.
  return /^0+$/.test(out) ? `${out.slice(0, -1)}1` : out;
}

/** A new context: a fresh span id under `parent`'s trace (or a fresh trace), sampled unless the parent says otherwise. */
export function childTraceContext(parent: TraceContext | undefined): TraceContext {
  return { traceId: parent?.traceId ?? randomHex(32), spanId: randomHex(16), traceFlags: parent?.traceFlags ?? 1 };
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Parses a `traceparent` header; `undefined` for anything invalid (the spec says to ignore it and
 * start a new trace, never to fail): version ff, all-zero ids, uppercase hex, a wrong length, or
 * trailing data on version 00. Later versions are read by their version-00 prefix.
 */
export function parseTraceparent(header: unknown): TraceContext | undefined {
  if (typeof header !== 'string' || header.length > 512) return undefined;
  const m = TRACEPARENT.exec(header.trim());
  if (m === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === 'ff') return undefined;
  if (version === '00' && rest !== undefined) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) };
}

/** The `traceparent` header for a context. */
export function formatTraceparent(ctx: TraceContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
