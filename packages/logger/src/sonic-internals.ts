import type { pino } from 'pino';

type SonicBoom = ReturnType<typeof pino.destination>;

/**
 * The fields of pino 10's destination (sonic-boom 4, utf8 mode) read to account for lines it still
 * holds when a final write fails or the process exits; nowhere else. `_writingBuf` is the chunk
 * being written (or retried after a failure: it stays there), `_bufs` the chunks queued after it,
 * `_len` their byte total.
 */
interface SonicState {
  _writing: boolean;
  _writingBuf: string | Buffer;
  _bufs: string[];
  _len: number;
}

/**
 * Removes and returns what the destination holds and has not handed to the operating system: the
 * chunk to retry (unless a write of it is in flight, which is left to finish) and the queue.
 */
export function takeHeld(sonic: SonicBoom): Buffer {
  const s = sonic as unknown as SonicState;
  const chunks: Buffer[] = [];
  if (!s._writing && s._writingBuf.length > 0) {
    chunks.push(typeof s._writingBuf === 'string' ? Buffer.from(s._writingBuf) : s._writingBuf);
    s._writingBuf = '';
  }
  for (const b of s._bufs) chunks.push(Buffer.from(b));
  s._bufs = [];
  s._len = 0;
  return Buffer.concat(chunks);
}
