import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';

/** Writes beside the target and renames over it, so node_exporter never reads half a file. */
export async function writeAtomic(path: string, body: string): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('writeFile: path must be a non-empty string');
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, body, { mode: 0o644 });
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}
