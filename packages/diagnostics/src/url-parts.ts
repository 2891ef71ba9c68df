/** The path of a request target without its query or fragment (`/a/b?x=1` → `/a/b`); absolute-form targets keep only their path. */
export function pathOf(target: unknown): string | undefined {
  if (typeof target !== 'string') return undefined;
  let path = target;
  if (path.length > 0 && path[0] !== '/') {
    const scheme = path.indexOf('://');
    if (scheme !== -1) {
      const slash = path.indexOf('/', scheme + 3);
      path = slash === -1 ? '/' : path.slice(slash);
    }
  }
  let end = path.length;
  const query = path.indexOf('?');
  if (query !== -1) end = query;
  const fragment = path.indexOf('#');
  if (fragment !== -1 && fragment < end) end = fragment;
  return end === path.length ? path : path.slice(0, end);
}

/** `'http://127.0.0.1:8080'` → `{ scheme: 'http', host: '127.0.0.1:8080' }`. */
export function splitOrigin(origin: unknown): { scheme: string | undefined; host: string | undefined } {
  const text = typeof origin === 'string' ? origin : origin instanceof URL ? origin.origin : undefined;
  if (text === undefined) return { scheme: undefined, host: undefined };
  const sep = text.indexOf('://');
  if (sep === -1) return { scheme: undefined, host: text };
  const rest = text.slice(sep + 3);
  const slash = rest.indexOf('/');
  return { scheme: text.slice(0, sep), host: slash === -1 ? rest : rest.slice(0, slash) };
}

const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;

/** A header value usable as a correlation id: 1 to 128 visible ASCII characters; else undefined. */
export function correlationIdFrom(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' && CORRELATION_ID.test(value) ? value : undefined;
}
