import { createSocket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { freePort, startPeer, tempDir, type PeerProcess } from './peer-process.js';

/** Etsy's StatsD daemon, started by a test on 127.0.0.1, queried over its management port. */
export interface StatsdPeer {
  readonly host: '127.0.0.1';
  /** UDP port. */
  readonly port: number;
  /** TCP port (only when started with `tcp: true`). */
  readonly tcpPort: number | undefined;
  readonly mgmtPort: number;
  readonly process: PeerProcess;
  /** `counters` bucket → value (includes the daemon's own `statsd.*` counters). */
  counters(): Promise<Record<string, number>>;
  /** `timers` bucket → every value received since the last flush. At most 100 per bucket (see below). */
  timers(): Promise<Record<string, number[]>>;
  gauges(): Promise<Record<string, number>>;
  /** Polls `read` until `done` holds or `timeoutMs` passes; returns the last reading either way. */
  waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  /** SIGKILL, no grace: what a crashing server looks like to its clients. */
  kill(): Promise<void>;
  /** SIGTERM and clean-up of the config directory. */
  stop(): Promise<void>;
}

export interface StatsdOptions {
  /** Also listen on TCP. */
  readonly tcp?: boolean;
  /** Path of `statsd/stats.js`; by default resolved from the current directory's package. */
  readonly script?: string;
  /** Fixed ports, e.g. to restart a daemon where clients expect it; free ones by default. */
  readonly port?: number;
  readonly tcpPort?: number;
  readonly mgmtPort?: number;
}

/**
 * Starts `node statsd/stats.js config.js` with UDP (and optionally TCP) and the management
 * interface on 127.0.0.1, no backends, a one-hour flush interval (buckets reset at every flush)
 * and key sanitising off, so tests see keys exactly as sent. Resolves once a probe packet sent
 * over each protocol has been counted. A missing daemon rejects: tests fail, never skip.
 *
 * ```ts
 * const statsd = await startStatsd();
 * // send "a.b:1|c" to 127.0.0.1:statsd.port ...
 * const counters = await statsd.waitFor(() => statsd.counters(), (c) => c['a.b'] === 1);
 * await statsd.stop();
 * ```
 */
export async function startStatsd(options: StatsdOptions = {}): Promise<StatsdPeer> {
  const script = options.script ?? createRequire(join(process.cwd(), 'package.json')).resolve('statsd/stats.js');
  const port = options.port ?? (await freePort());
  const mgmtPort = options.mgmtPort ?? (await freePort());
  const tcpPort = options.tcp ? (options.tcpPort ?? (await freePort())) : undefined;
  const dir = await tempDir('statsd');
  const servers: Record<string, unknown>[] = [{ server: './servers/udp', address: '127.0.0.1', port }];
  if (tcpPort !== undefined) servers.push({ server: './servers/tcp', address: '127.0.0.1', port: tcpPort });
  const config = {
    port,
    address: '127.0.0.1',
    mgmt_address: '127.0.0.1',
    mgmt_port: mgmtPort,
    servers,
    flushInterval: 3_600_000,
    backends: [],
    keyNameSanitize: false,
  };
  const configFile = join(dir.path, 'config.js');
  await writeFile(configFile, `(${JSON.stringify(config, null, 2)})\n`);
  let child: PeerProcess;
  try {
    child = await startPeer('statsd', process.execPath, [script, configFile], {
      ready: async () => (await command(mgmtPort, 'health')).includes('health: up'),
    });
  } catch (error) {
    await dir.remove();
    throw error;
  }

  const parse = async <T>(cmd: string): Promise<T> => {
    const text = (await command(mgmtPort, cmd)).replace(/\nEND\n\n$/, '');
    // util.inspect abbreviates arrays beyond 100 items: refuse rather than report a wrong count.
    if (/\.\.\. \d+ more item/.test(text)) throw new Error(`statsd ${cmd}: output truncated by util.inspect (over 100 values)`);
    return runInNewContext(`(${text})`, Object.create(null), { timeout: 1000 }) as T;
  };
  const peer: StatsdPeer = {
    host: '127.0.0.1',
    port,
    tcpPort,
    mgmtPort,
    process: child,
    counters: () => parse('counters'),
    timers: () => parse('timers'),
    gauges: () => parse('gauges'),
    async waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await read();
        if (done(value) || Date.now() > deadline) return value;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async kill() {
      if (child.child.exitCode !== null || child.child.signalCode !== null) return;
      const exited = new Promise((r) => child.child.once('exit', r));
      child.child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      await child.stop();
      await dir.remove();
    },
  };

  try {
    await probe(peer);
  } catch (error) {
    await peer.stop();
    throw error;
  }
  return peer;
}

// The management port answers before the packet servers are certainly bound: wait until a
// probe over each protocol is counted, then delete the probe counter.
async function probe(peer: StatsdPeer): Promise<void> {
  const udp = createSocket('udp4');
  try {
    const seen = await peer.waitFor(
      async () => {
        await new Promise<void>((resolve, reject) => udp.send('rx_telemetry_probe_udp:1|c', peer.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
        return (await peer.counters())['rx_telemetry_probe_udp'] !== undefined;
      },
      (ok) => ok,
    );
    if (!seen) throw new Error(`statsd never counted a UDP probe:\n${peer.process.output()}`);
  } finally {
    udp.close();
  }
  if (peer.tcpPort !== undefined) {
    const tcp = connect(peer.tcpPort, '127.0.0.1');
    await new Promise<void>((resolve, reject) => tcp.once('connect', resolve).once('error', reject));
    tcp.end('rx_telemetry_probe_tcp:1|c\n');
    const c = await peer.waitFor(() => peer.counters(), (c) => c['rx_telemetry_probe_tcp'] !== undefined);
    if (c['rx_telemetry_probe_tcp'] === undefined) throw new Error(`statsd never counted a TCP probe:\n${peer.process.output()}`);
  }
  await command(peer.mgmtPort, 'delcounters rx_telemetry_probe_udp rx_telemetry_probe_tcp');
}

/** One management command; resolves with everything up to the `END` marker (or the close). */
function command(port: number, cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`statsd management command ${cmd} timed out`));
    }, 2000);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${cmd}\n`));
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.endsWith('END\n\n') || (cmd === 'health' && text.includes('\n'))) {
        clearTimeout(timer);
        socket.end();
        resolve(text);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}
