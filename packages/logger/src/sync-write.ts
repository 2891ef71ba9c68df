import { writeSync } from 'node:fs';

const EAGAIN_SLEEP_MS = 1;
/** A non-blocking pipe that stays full this long at exit is given up on. */
const EAGAIN_GIVE_UP_MS = 1000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** What a synchronous write managed: bytes written, and the error that stopped it, if any. */
export interface SyncWriteResult {
  readonly written: number;
  readonly error: NodeJS.ErrnoException | undefined;
}

/**
 * Writes all of `bytes` with `fs.writeSync`, continuing after partial writes and waiting out a
 * full non-blocking pipe (EAGAIN) for up to a second; stops at the first other error. For the
 * last flush on `process.exit()`, where nothing asynchronous runs any more.
 */
export function writeAllSync(fd: number, bytes: Buffer): SyncWriteResult {
  let written = 0;
  let waited = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(fd, bytes, written, bytes.length - written);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code !== 'EAGAIN' || waited >= EAGAIN_GIVE_UP_MS) return { written, error: e };
      Atomics.wait(sleeper, 0, 0, EAGAIN_SLEEP_MS);
      waited += EAGAIN_SLEEP_MS;
    }
  }
  return { written, error: undefined };
}

/** Newlines (complete lines) in `text[from, to)`. */
export function countLines(text: Buffer | string, from = 0, to = text.length): number {
  let n = 0;
  if (typeof text === 'string') {
    for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  } else {
    for (let i = text.indexOf(0x0a, from); i !== -1 && i < to; i = text.indexOf(0x0a, i + 1)) n++;
  }
  return n;
}
