import { fstatSync, ftruncateSync, readSync } from 'node:fs';

const CHUNK = 64 * 1024;

/**
 * After a write failed part-way (a full disk takes the first bytes of a write and refuses the
 * rest), cuts a regular file back to its last complete line, so that no torn line stays in it and
 * no later line is glued to one. Needs the descriptor to be readable (the logger opens files
 * `'a+'`); does nothing for pipes, terminals, unreadable descriptors, or a file that ends with a
 * newline. Synchronous: called on failure paths only, when no write is in flight.
 *
 * ```ts
 * cutTornLine(fd); // "a\nb\nc" -> "a\nb\n"
 * ```
 */
export function cutTornLine(fd: number): void {
  try {
    const stat = fstatSync(fd);
    const size = stat.size;
    if (!stat.isFile() || size === 0) return;
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, size));
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - buf.length);
      const n = readSync(fd, buf, 0, end - start, start);
      if (end === size && buf[n - 1] === 0x0a) return;
      const i = buf.subarray(0, n).lastIndexOf(0x0a);
      if (i !== -1) {
        ftruncateSync(fd, start + i + 1);
        return;
      }
      end = start;
    }
    ftruncateSync(fd, 0);
  } catch {
    // Not readable (opened write-only), or the file went away: nothing more can be done.
  }
}
