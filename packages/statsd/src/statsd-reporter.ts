import type { EventName, Measurements, Metadata, Telemetry } from '@rx-telemetry/core';
import StatsDClient, { type StatsD } from 'hot-shots';
import { compile, globalSuffix, type CompiledMetric } from './compiled-metric.js';
import { resolveOptions, type ResolvedOptions, type StatsdReporterOptions } from './options.js';
import { sanitizeName, sanitizeSegment, sanitizeTagValue } from './sanitize.js';
import { STATSD_ERROR_EVENT } from './statsd-error-event.js';

let reporterSeq = 0;
// hot-shots itself waits up to 11 x 50 ms for in-flight sends before closing.
const CLOSE_TIMEOUT_MS = 1500;
const RECONNECT_INTERVAL_MS = 1000;

/**
 * Reports metric definitions to a StatsD server through hot-shots, the way Elixir's
 * telemetry_metrics_statsd does: counter and sum → `c`, lastValue → `g`, summary → `ms`
 * (DogStatsD `h`), distribution → `ms` (DogStatsD `d`).
 *
 * ```ts
 * const reporter = new StatsdReporter(telemetry, {
 *   metrics: [
 *     counter('http.request.stop.count', { tags: ['route'] }),
 *     distribution('http.request.stop.duration', { tags: ['route'], unit: { from: 'nanosecond', to: 'millisecond' } }),
 *   ],
 *   port: 8125,
 *   formatter: 'datadog',
 *   onError: (err) => console.warn('statsd:', err.message),
 * });
 * // ... later; telemetry.shutdown() does the same
 * await reporter.close();
 * ```
 */
export class StatsdReporter {
  /** The handler id prefix of this reporter (also the `reporter` metadata of its error events). */
  readonly id: string;
  readonly #telemetry: Telemetry;
  readonly #options: ResolvedOptions;
  #client: StatsD;
  #tagged: string[] = [];
  #connectedAt = Date.now();
  readonly #handlerIds: string[] = [];
  readonly #unregister: () => void;
  readonly #standard: boolean;
  readonly #suffix: string;
  #errors = 0;
  #reporting = false;
  #closing: Promise<void> | undefined;

  constructor(telemetry: Telemetry, options: StatsdReporterOptions) {
    if (telemetry === null || typeof telemetry !== 'object' || typeof telemetry.attach !== 'function') {
      throw new TypeError('StatsdReporter: the first argument must be a Telemetry instance');
    }
    this.#telemetry = telemetry;
    const o = resolveOptions(options);
    this.#options = o;
    this.id = `statsd-reporter-${++reporterSeq}`;
    this.#standard = o.formatter === 'standard';
    this.#suffix = this.#standard ? globalSuffix(o.globalTags) : '';
    this.#tagged = Object.entries(o.globalTags).map(([k, v]) => `${sanitizeName(k)}:${sanitizeTagValue(v)}`);
    this.#client = this.#connect();

    const byEvent = new Map<string, { event: EventName; metrics: CompiledMetric[] }>();
    for (const definition of o.metrics) {
      const key = definition.eventName.join('\u0000');
      let group = byEvent.get(key);
      if (group === undefined) byEvent.set(key, (group = { event: definition.eventName, metrics: [] }));
      group.metrics.push(compile(definition, o.formatter, o.sampleRate));
    }
    let n = 0;
    for (const { event, metrics } of byEvent.values()) {
      const id = `${this.id}:${n++}`;
      telemetry.attach(id, event, this.#handle, metrics, { onFailure: 'keep' });
      this.#handlerIds.push(id);
    }
    this.#unregister = telemetry.onShutdown(() => this.close());
  }

  /** Errors met so far (each also went to `onError` and out as a `['telemetry','statsd','error']` event). */
  get errors(): number {
    return this.#errors;
  }

  /**
   * Detaches from the bus, sends what is buffered and closes the socket. Idempotent; registered
   * with `telemetry.onShutdown`. Never rejects: close errors go to `onError` like any other.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    for (const id of this.#handlerIds) this.#telemetry.detach(id);
    this.#unregister();
    this.#closing = new Promise<void>((resolve) => {
      // hot-shots never calls back when its TCP socket was already destroyed by a dead peer
      // (it waits for a 'close' event that has fired before): bound the wait.
      const timer = setTimeout(() => {
        this.#fail(new Error(`StatsdReporter: the socket did not confirm its close within ${CLOSE_TIMEOUT_MS} ms`));
        resolve();
      }, CLOSE_TIMEOUT_MS);
      const done = (error?: Error): void => {
        clearTimeout(timer);
        if (error) this.#fail(error);
        resolve();
      };
      try {
        this.#client.close(done);
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error)));
      }
    });
    return this.#closing;
  }

  #connect(): StatsD {
    const o = this.#options;
    return new StatsDClient({
      host: o.protocol === 'uds' ? undefined : o.host,
      path: o.protocol === 'uds' ? o.host : undefined,
      port: o.port,
      protocol: o.protocol,
      prefix: o.prefix === undefined ? undefined : sanitizeName(o.prefix),
      globalTags: this.#standard ? undefined : this.#tagged,
      telegraf: o.formatter === 'telegraf',
      // Explicit configuration only: no DD_* environment tags, container ids or client telemetry
      // lines that a plain StatsD server would count as bad lines.
      datadog: o.formatter === 'datadog',
      includeDataDogTags: false,
      originDetection: false,
      includeDatadogTelemetry: false,
      maxBufferSize: o.maxBufferSize,
      bufferFlushInterval: o.bufferFlushInterval,
      errorHandler: (error) => this.#fail(error),
    });
  }

  // hot-shots replaces a failed TCP socket only on ECONNREFUSED/ECONNRESET/EPIPE, and at most once
  // a second counted from the socket's creation: when the replacement also fails at once, it
  // stays destroyed for good. Make a new client then (at most once a second), so a restarted
  // server gets metrics again.
  #reconnect(error: Error): void {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_SOCKET_DESTROYED' || this.#closing !== undefined) return;
    const now = Date.now();
    if (now - this.#connectedAt < RECONNECT_INTERVAL_MS) return;
    this.#connectedAt = now;
    const old = this.#client;
    this.#client = this.#connect();
    try {
      old.close(() => undefined);
    } catch {
      // The old socket is already gone; nothing is left to close.
    }
  }

  // An arrow property: one function for every attach, no per-call binding.
  readonly #handle = (_event: EventName, measurements: Measurements, metadata: Metadata, metrics: CompiledMetric[]): void => {
    for (let i = 0; i < metrics.length; i++) {
      try {
        this.#report(metrics[i], measurements, metadata);
      } catch (error) {
        this.#fail(error);
      }
    }
  };

  #report(metric: CompiledMetric, measurements: Measurements, metadata: Metadata): void {
    const definition = metric.definition;
    if (!definition.accepts(measurements, metadata)) return;
    let value: number | undefined;
    if (metric.divisor === undefined) {
      value = definition.valueOf(measurements, metadata);
      if (value === undefined) return;
    } else {
      const raw = measurements[definition.measurement as string];
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return;
      value = raw / metric.divisor;
    }
    const prefixes = metric.tagPrefixes;
    if (prefixes.length === 0) {
      metric.send(this.#client, this.#standard ? metric.base + this.#suffix : metric.base, value, metric.rate, undefined);
      return;
    }
    const values = definition.tagValuesOf(metadata);
    if (values === undefined) return;
    if (this.#standard) {
      let name = metric.names.get(values);
      if (name === undefined) {
        name = metric.base;
        for (let i = 0; i < values.length; i++) name += '.' + sanitizeSegment(values[i]);
        name += this.#suffix;
        metric.names.set(values, name);
      }
      metric.send(this.#client, name, value, metric.rate, undefined);
    } else {
      let tags = metric.tagLists.get(values);
      if (tags === undefined) {
        tags = new Array<string>(values.length);
        for (let i = 0; i < values.length; i++) tags[i] = prefixes[i] + sanitizeTagValue(values[i]);
        metric.tagLists.set(values, tags);
      }
      metric.send(this.#client, metric.base, value, metric.rate, tags);
    }
  }

  #fail(cause: unknown): void {
    const error = cause instanceof Error ? cause : new Error(String(cause));
    this.#errors++;
    if (this.#options.protocol === 'tcp') this.#reconnect(error);
    const onError = this.#options.onError;
    if (onError !== undefined) {
      try {
        onError(error);
      } catch {
        // A throwing onError must not reach the emitter or the socket's event loop.
      }
    }
    // A metric defined on the error event itself could fail again: report one level deep only.
    if (this.#reporting) return;
    this.#reporting = true;
    try {
      this.#telemetry.emit(STATSD_ERROR_EVENT, { count: 1 }, { error, reporter: this.id });
    } catch {
      // emit never throws because of a handler; this guards a broken Telemetry only.
    } finally {
      this.#reporting = false;
    }
  }
}
