/** What `health()` resolves to: `critical` answers 503, anything else 200. */
export type HealthReport = { status: 'healthy' | 'degraded' | 'critical' } & Record<string, unknown>;

export interface ListenOptions {
  /** Default 9464. 0 picks a free port. */
  readonly port?: number;
  /** Default '127.0.0.1': nothing outside the host can scrape unless told otherwise. */
  readonly host?: string;
  /** When set, every request must carry `Authorization: Bearer <token>` (else 401). */
  readonly token?: string;
  /** Answers GET /health; without it /health says `{"status":"healthy"}`. The signal aborts at healthTimeoutMs. */
  readonly health?: (signal: AbortSignal) => Promise<HealthReport> | HealthReport;
  /** /health answers 503 when `health()` has not settled within this (default 5000 ms). */
  readonly healthTimeoutMs?: number;
  /** A client must send its request headers within this (default 5000 ms), else 408. */
  readonly headersTimeoutMs?: number;
  /** … and its whole request within this (default 10000 ms, at least headersTimeoutMs), else 408. */
  readonly requestTimeoutMs?: number;
  /** A response the client has not taken within this (default 30000 ms) is abandoned and its connection closed. */
  readonly writeTimeoutMs?: number;
  /** A kept-alive connection with no request for this long is closed (default 5000 ms). */
  readonly idleTimeoutMs?: number;
}

export interface Listening {
  readonly url: string;
  /** Stops accepting, closes every connection (open sockets included). Idempotent. */
  close(): Promise<void>;
}

export interface CheckedListen {
  readonly port: number;
  readonly host: string;
  readonly token: Buffer | undefined;
  readonly health: ((signal: AbortSignal) => Promise<HealthReport> | HealthReport) | undefined;
  readonly healthTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

function ms(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new TypeError(`listen: ${what} must be a positive integer of ms, got ${String(v)}`);
  return v;
}

/** ListenOptions validated, defaults filled in; a TypeError naming the problem otherwise. */
export function checkListen(options: ListenOptions): CheckedListen {
  if (options === null || typeof options !== 'object') throw new TypeError('listen: options must be an object');
  const port = options.port ?? 9464;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`listen: port must be an integer 0..65535, got ${String(port)}`);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) throw new TypeError('listen: host must be a non-empty string');
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token.length === 0)) throw new TypeError('listen: token must be a non-empty string');
  if (options.health !== undefined && typeof options.health !== 'function') throw new TypeError('listen: health must be a function');
  const headersTimeoutMs = ms('headersTimeoutMs', options.headersTimeoutMs ?? 5_000);
  const requestTimeoutMs = ms('requestTimeoutMs', options.requestTimeoutMs ?? Math.max(10_000, headersTimeoutMs));
  if (requestTimeoutMs < headersTimeoutMs) throw new TypeError('listen: requestTimeoutMs must be at least headersTimeoutMs');
  return {
    port,
    host,
    token: options.token === undefined ? undefined : Buffer.from(options.token),
    health: options.health,
    healthTimeoutMs: ms('healthTimeoutMs', options.healthTimeoutMs ?? 5_000),
    headersTimeoutMs,
    requestTimeoutMs,
    writeTimeoutMs: ms('writeTimeoutMs', options.writeTimeoutMs ?? 30_000),
    idleTimeoutMs: ms('idleTimeoutMs', options.idleTimeoutMs ?? 5_000),
  };
}
