import { randomFillSync } from 'node:crypto';

const ID_BYTES = 6;
const POOL_IDS = 512;
const pool = Buffer.alloc(ID_BYTES * POOL_IDS);
let offset = pool.length;

/**
 * A fresh correlation id for a server request, in core's format (12 lowercase hex characters),
 * cut from a pool of random bytes refilled every 512 ids: one `randomFillSync` per request was
 * ~5% of a loopback request's CPU (measured).
 */
export function newRequestId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
