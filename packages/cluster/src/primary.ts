import { counter, lastValue, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { PrometheusReporter, serveMetrics, type Format, type Listening, type ListenOptions } from '@rx-telemetry/prometheus';
import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import { channelOf, type WorkerChannel } from './channel.js';
import { COLLECTED_EVENT, WORKER_EXIT_EVENT, WORKER_JOIN_EVENT, WORKER_MISSING_EVENT } from './events.js';
import type { ClusterMessage } from './messages.js';

export interface ClusterPrimaryOptions {
  /** The primary's own aggregators (metrics it records itself), merged with the workers'. */
  readonly aggregators?: readonly Aggregator[];
  /** How long a collect waits for each worker (default 1000 ms); keep it under the scrape timeout. */
  readonly collectTimeoutMs?: number;
  /** node:cluster workers forked after this primary was created are added automatically (default true). */
  readonly clusterWorkers?: boolean;
  /** The window of the primary's self-metrics aggregator: it must equal the workers' (default 60 s in 6). */
  readonly window?: { readonly durationMs: number; readonly slices: number };
  /** As PrometheusReporter's. */
  readonly prefix?: string;
  readonly defaultLabels?: Readonly<Record<string, string>>;
}

interface Member {
  readonly channel: WorkerChannel;
  joined: boolean;
  /** The last state it sent: served while it is slow, folded into the totals when it goes. */
  last: string | undefined;
  detach: () => void;
  readonly waiting: Map<number, (answered: boolean) => void>;
}

/**
 * Serves one /metrics for a node:cluster or worker_threads pool. Each scrape asks every joined
 * worker for its encoded state (`collectTimeoutMs` each, all at once) and merges them with
 * `Aggregator.restore`: a worker that does not answer in time is served from its last state and
 * counted; a worker that exits has its last state folded into the totals, so counters and
 * histogram counts never go backwards across restarts.
 */
export class ClusterPrimary {
  readonly #telemetry: Telemetry;
  readonly #own: readonly Aggregator[];
  readonly #self: Aggregator;
  readonly #renderBus = new Telemetry();
  readonly #timeoutMs: number;
  readonly #prefix: string | undefined;
  readonly #defaultLabels: Readonly<Record<string, string>> | undefined;
  readonly #members = new Map<string, Member>();
  readonly #servers = new Set<Listening>();
  readonly #stop: () => Promise<void>;
  readonly #onFork: (w: ClusterWorker) => void;
  #retired: string | undefined;
  #seq = 0;
  #inFlight: Promise<Aggregator> | undefined;
  #stopped = false;

  constructor(telemetry: Telemetry, options: ClusterPrimaryOptions = {}) {
    if (!(telemetry instanceof Telemetry)) throw new TypeError('ClusterPrimary: the first argument must be the Telemetry bus');
    if (options === null || typeof options !== 'object') throw new TypeError('ClusterPrimary: options must be an object');
    const own = options.aggregators ?? [];
    if (!Array.isArray(own) || own.some((a) => !(a instanceof Aggregator))) throw new TypeError('ClusterPrimary: aggregators must be an array of Aggregators');
    const timeout = options.collectTimeoutMs ?? 1000;
    if (!Number.isInteger(timeout) || timeout < 1) throw new TypeError(`ClusterPrimary: collectTimeoutMs must be a positive integer of ms, got ${String(timeout)}`);
    this.#telemetry = telemetry;
    this.#own = [...own];
    this.#timeoutMs = timeout;
    this.#prefix = options.prefix;
    this.#defaultLabels = options.defaultLabels;
    this.#self = new Aggregator(telemetry, {
      window: options.window,
      metrics: [
        counter('rx_telemetry.cluster.missing_workers', { eventName: WORKER_MISSING_EVENT, description: 'Collects a worker did not answer within collectTimeoutMs (its last state was served)' }),
        counter('rx_telemetry.cluster.worker_exits', { eventName: WORKER_EXIT_EVENT, tags: ['reason'], description: 'Workers that exited or left; their last state is folded into the totals' }),
        lastValue('rx_telemetry.cluster.workers', { eventName: COLLECTED_EVENT, measurement: 'workers', description: 'Workers joined at the last collect' }),
      ],
    });
    try {
      // Fail now on bad names, labels or windows, not at the first scrape.
      void new PrometheusReporter(this.#renderBus, { aggregator: Aggregator.restore(...this.#own.map((a) => a.encode()), this.#self.encode()), prefix: this.#prefix, defaultLabels: this.#defaultLabels }).stop();
    } catch (error) {
      void this.#self.stop();
      throw error;
    }
    this.#onFork = (w) => this.add(w);
    if (options.clusterWorkers !== false && cluster.isPrimary) cluster.on('fork', this.#onFork);
    this.#stop = telemetry.manage('cluster-primary', () => this.#close());
  }

  /** Joined workers now (those that said so and have not exited). */
  get workers(): number {
    let n = 0;
    for (const m of this.#members.values()) if (m.joined) n++;
    return n;
  }

  /** Takes a node:cluster Worker or a worker_threads Worker in; it counts once it calls `joinCluster`. Idempotent. */
  add(worker: ClusterWorker | ThreadWorker): void {
    this.#live('add');
    const channel = channelOf(worker);
    if (this.#members.has(channel.id)) return;
    const member: Member = { channel, joined: false, last: undefined, detach: () => undefined, waiting: new Map() };
    this.#members.set(channel.id, member);
    member.detach = channel.listen(
      (m) => this.#onMessage(member, m),
      (code, signal) => this.#retire(member, 'exit', { code: code ?? -1, signal: signal ?? '' }),
    );
  }

  /** Asks every joined worker now and merges: a stopped, read-only Aggregator of the whole pool. Concurrent calls share one round. */
  aggregate(): Promise<Aggregator> {
    this.#live('aggregate');
    return (this.#inFlight ??= this.#collect().finally(() => {
      this.#inFlight = undefined;
    }));
  }

  /** The pool's exposition now (Prometheus text format or OpenMetrics). */
  async render(format: Format = 'text'): Promise<string> {
    const merged = await this.aggregate();
    const reporter = new PrometheusReporter(this.#renderBus, { aggregator: merged, prefix: this.#prefix, defaultLabels: this.#defaultLabels });
    try {
      return reporter.render(format);
    } finally {
      void reporter.stop();
    }
  }

  /** Serves GET /metrics (the pool, merged per scrape) and /health with every rule of PrometheusReporter.listen. */
  async listen(options: ListenOptions = {}): Promise<Listening> {
    this.#live('listen');
    const server = await serveMetrics(this.#telemetry, (format) => this.render(format), options);
    const listening: Listening = {
      url: server.url,
      close: () => {
        this.#servers.delete(listening);
        return server.close();
      },
    };
    this.#servers.add(listening);
    return listening;
  }

  /** Idempotent: closes every listen() server, stops following workers, stops the self-metrics aggregator. */
  stop(): Promise<void> {
    return this.#stop();
  }

  async #close(): Promise<void> {
    this.#stopped = true;
    cluster.off('fork', this.#onFork);
    for (const m of this.#members.values()) {
      m.detach();
      for (const done of m.waiting.values()) done(false);
    }
    this.#members.clear();
    await Promise.allSettled([...this.#servers].map((s) => s.close()));
    await this.#self.stop();
  }

  #live(what: string): void {
    if (this.#stopped) throw new Error(`ClusterPrimary.${what}: the primary is stopped`);
  }

  #onMessage(member: Member, m: ClusterMessage): void {
    if (m.rxTelemetry === 'join' || m.rxTelemetry === 'state') {
      if (!member.joined) {
        member.joined = true;
        this.#telemetry.emit(WORKER_JOIN_EVENT, {}, { worker: member.channel.id });
      }
      // Late answers count too: they are newer than what we hold.
      if (typeof m.encoded === 'string') member.last = m.encoded;
      if (m.rxTelemetry === 'state') member.waiting.get(m.id)?.(true);
    } else if (m.rxTelemetry === 'leave' && typeof m.encoded === 'string') {
      member.last = m.encoded;
      this.#retire(member, 'leave', { code: 0, signal: '' });
    }
  }

  #retire(member: Member, reason: 'exit' | 'leave', how: { code: number; signal: string }): void {
    if (this.#members.get(member.channel.id) !== member) return;
    this.#members.delete(member.channel.id);
    member.detach();
    for (const done of member.waiting.values()) done(false);
    member.waiting.clear();
    const folded = member.last !== undefined;
    if (member.last !== undefined) this.#retired = this.#retired === undefined ? member.last : Aggregator.restore(this.#retired, member.last).encode();
    if (member.joined) this.#telemetry.emit(WORKER_EXIT_EVENT, {}, { worker: member.channel.id, reason, code: how.code, signal: how.signal, folded });
  }

  #ask(member: Member): Promise<boolean> {
    const id = ++this.#seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), this.#timeoutMs);
      const done = (answered: boolean): void => {
        clearTimeout(timer);
        member.waiting.delete(id);
        resolve(answered);
      };
      member.waiting.set(id, done);
      try {
        member.channel.send({ rxTelemetry: 'collect', id });
      } catch {
        done(false);
      }
    });
  }

  async #collect(): Promise<Aggregator> {
    const started = performance.now();
    const joined = [...this.#members.values()].filter((m) => m.joined);
    const answers = await Promise.all(joined.map((m) => this.#ask(m)));
    let missing = 0;
    answers.forEach((answered, i) => {
      if (answered) return;
      missing++;
      const m = joined[i];
      this.#telemetry.emit(WORKER_MISSING_EVENT, {}, { worker: m.channel.id, served: m.last === undefined ? 'nothing' : 'last_state' });
    });
    this.#telemetry.emit(COLLECTED_EVENT, { workers: joined.length, missing, duration: performance.now() - started }, {});
    const encodings = [...this.#own.map((a) => a.encode()), this.#self.encode()];
    if (this.#retired !== undefined) encodings.push(this.#retired);
    for (const m of this.#members.values()) if (m.last !== undefined) encodings.push(m.last);
    return Aggregator.restore(...encodings);
  }
}
