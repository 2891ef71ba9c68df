// Core keeps its span counter private. Ids handed out here start at 2^52, far above anything
// core's counter reaches, so a dispatch's spanId never equals a core span's id in the process.
let next = 2 ** 52;

export function nextSpanId(): number {
  return next++;
}
