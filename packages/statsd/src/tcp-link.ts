import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';

/** A new connection is tried at most this often (on demand, by a write: no timer runs while idle). */
export const RECONNECT_INTERVAL_MS = 1000;
/** How long `destroy()` lets queued data reach the kernel before giving it up (counted as dropped). */
export const CLOSE_GRACE_MS = 1000;

/** The lines in one hot-shots packet: each ends with a newline. */
function lineCount(data: string): number {
  let n = 0;
  for (let i = data.indexOf('\n'); i !== -1; i = data.indexOf('\n', i + 1)) n++;
  return n === 0 ? 1 : n;
}

/**
 * The TCP connection of a StatsD reporter, handed to hot-shots as its `stream` (hot-shots' own TCP
 * transport writes without any bound: a server that accepts but never reads made the client hold
 * every packet, 150 MB over 3M events). This one:
 * - holds at most `limit` characters written but not yet taken by the kernel; a packet past it is
 *   dropped and its lines are counted through `onDrop`, as are the lines of a write that fails
 *   (connection reset, or still queued when `destroy()` gives up);
 * - reports each connection failure once, as an `'error'` (hot-shots routes it to its errorHandler),
 *   including a server that closes the connection;
 * - reconnects on demand: a write finding the connection gone opens a new one, at most once per
 *   `RECONNECT_INTERVAL_MS` (writes in between are dropped and counted), so a restarted server gets
 *   metrics again and nothing runs while idle;
 * - is unref'd (never keeps the process alive) except while `destroy()` flushes it.
 */
export class TcpLink extends EventEmitter {
  #socket: Socket;
  #openedAt = 0;
  #closing = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly limit: number,
    private readonly onDrop: (lines: number) => void,
  ) {
    super();
    this.#socket = this.#open();
  }

  /** hot-shots checks this before every write: true once `destroy()` was called. */
  get destroyed(): boolean {
    return this.#closing;
  }

  /**
   * One packet from hot-shots. The callback is called at once: hot-shots waits on it before closing,
   * and what happens to the packet after it was accepted is accounted for here.
   */
  write(data: string, callback?: (error?: Error | null) => void): boolean {
    const socket = this.#usable();
    if (socket === undefined || socket.writableLength + data.length > this.limit) {
      this.onDrop(lineCount(data));
    } else {
      socket.write(data, (error) => {
        if (error) this.onDrop(lineCount(data));
      });
    }
    callback?.();
    return true;
  }

  /**
   * Ends the connection once what is queued has reached the kernel (which still delivers it after
   * the close), or after `CLOSE_GRACE_MS`, dropping and counting the rest; then emits `'close'`.
   */
  destroy(): void {
    if (this.#closing) return;
    this.#closing = true;
    const socket = this.#socket;
    if (socket.destroyed) {
      process.nextTick(() => this.emit('close'));
      return;
    }
    // Flushing is work the caller awaits: keep the process alive for it.
    socket.ref();
    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    socket.once('finish', () => socket.destroy());
    socket.once('close', () => {
      clearTimeout(timer);
      this.emit('close');
    });
    socket.end();
  }

  #usable(): Socket | undefined {
    const socket = this.#socket;
    if (socket.writable && !socket.destroyed) return socket;
    if (this.#closing || Date.now() - this.#openedAt < RECONNECT_INTERVAL_MS) return undefined;
    this.#socket = this.#open();
    return this.#socket;
  }

  #open(): Socket {
    this.#openedAt = Date.now();
    const socket = connect(this.port, this.host);
    socket.setKeepAlive(true);
    socket.unref();
    // A StatsD server sends nothing; reading anyway is what lets a server's close show up as 'end'.
    socket.resume();
    let failed = false;
    const fail = (error: Error): void => {
      if (failed || this.#closing) return;
      failed = true;
      this.emit('error', error);
    };
    socket.on('error', fail);
    socket.on('end', () => fail(new Error(`StatsD server ${this.host}:${this.port} closed the TCP connection`)));
    return socket;
  }
}
