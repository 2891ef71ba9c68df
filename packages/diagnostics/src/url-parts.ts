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

/** Where a client request goes: OpenTelemetry's `server.address` / `server.port` (the OTel bridge renames them). */
export interface ServerEndpoint {
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443 };

/** `'127.0.0.1:8080'` or `'[::1]:8080'` (a Host header) → address and port; no port: the scheme's default. */
export function splitHost(host: string, scheme: string | undefined): ServerEndpoint {
  const colon = host.lastIndexOf(':');
  const bracket = host.lastIndexOf(']');
  if (colon > bracket && colon !== -1) {
    const port = Number(host.slice(colon + 1));
    const address = host.slice(0, colon);
    return { serverAddress: unbracket(address), serverPort: Number.isInteger(port) && port > 0 ? port : undefined };
  }
  return { serverAddress: unbracket(host), serverPort: scheme === undefined ? undefined : DEFAULT_PORTS[scheme] };
}

function unbracket(address: string): string {
  return address.length > 1 && address[0] === '[' && address[address.length - 1] === ']' ? address.slice(1, -1) : address;
}

/** `'http://127.0.0.1:8080'` → `{ scheme: 'http', serverAddress: '127.0.0.1', serverPort: 8080 }`. */
export function splitOrigin(origin: unknown): ServerEndpoint & { readonly scheme: string | undefined } {
  const text = typeof origin === 'string' ? origin : origin instanceof URL ? origin.origin : undefined;
  if (text === undefined) return { scheme: undefined, serverAddress: undefined, serverPort: undefined };
  const sep = text.indexOf('://');
  const scheme = sep === -1 ? undefined : text.slice(0, sep);
  const rest = sep === -1 ? text : text.slice(sep + 3);
  const slash = rest.indexOf('/');
  return { scheme, ...splitHost(slash === -1 ? rest : rest.slice(0, slash), scheme) };
}

const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;

/** A header value usable as a correlation id: 1 to 128 visible ASCII characters; else undefined. */
export function correlationIdFrom(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' && CORRELATION_ID.test(value) ? value : undefined;
}
