/**
 * How much of a response body is read: 4 KiB. An error body is there to explain a failure; the
 * rest of a long (or endless) body is cancelled unread, so a misbehaving peer cannot make the
 * sender hold more than this plus one network chunk.
 */
export const BODY_PREFIX_BYTES = 4096;

/** A body read up to a limit. */
export interface BodyPrefix {
  /** The bytes read, decoded as UTF-8 (a character cut at the limit becomes U+FFFD). */
  readonly text: string;
  /** True when the body went on past the limit and the rest was cancelled. */
  readonly truncated: boolean;
}

/**
 * Reads at most `maxBytes` of `body`, then cancels the rest (for fetch, that closes the
 * connection instead of downloading it). A body that ends within the limit is read to its end,
 * so its connection can be reused.
 *
 * ```ts
 * const res = await fetch(url);
 * const { text, truncated } = await readBodyPrefix(res.body);
 * ```
 */
export async function readBodyPrefix(body: ReadableStream<Uint8Array> | null, maxBytes: number = BODY_PREFIX_BYTES): Promise<BodyPrefix> {
  if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new TypeError(`readBodyPrefix: maxBytes must be an integer >= 0, got ${String(maxBytes)}`);
  if (body === null) return { text: '', truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - size;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        size += room;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // Cancelling tells the source to stop: nothing more is received or buffered.
    if (truncated) void reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
  return { text: Buffer.concat(chunks, size).toString('utf8'), truncated };
}
