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

// Two hex digits per byte, looked up: building ids a character at a time cost ~1.5 µs per span.
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

// Math.random is enough for ids (OpenTelemetry JS's RandomIdGenerator does the same); crypto
// costs ~10x more per id. Four bytes per draw.
function randomHex(bytes: number): string {
  let out = '';
  let nonZero = false;
  for (let i = 0; i < bytes; i += 4) {
    const r = (Math.random() * 0x100000000) >>> 0;
    if (r !== 0) nonZero = true;
    out += BYTE_HEX[r >>> 24] + BYTE_HEX[(r >>> 16) & 0xff] + BYTE_HEX[(r >>> 8) & 0xff] + BYTE_HEX[r & 0xff];
  }
  // All-zero ids are invalid: make the last digit non-zero.
  return nonZero ? out : `${out.slice(0, -1)}1`;
}

/** A new context: a fresh span id under `parent`'s trace (or a fresh trace), sampled unless the parent says otherwise. */
export function childTraceContext(parent: TraceContext | undefined): TraceContext {
  return { traceId: parent?.traceId ?? randomHex(16), spanId: randomHex(8), traceFlags: parent?.traceFlags ?? 1 };
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
