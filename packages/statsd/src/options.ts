import { isMetricDefinition, type MetricDefinition } from '@rx-telemetry/core';
import { FORMATTERS, type Formatter } from './formatter.js';

/** Options of `new StatsdReporter(telemetry, options)`. */
export interface StatsdReporterOptions {
  /** The metric definitions to report (counter, sum, lastValue, summary, distribution). */
  readonly metrics: readonly MetricDefinition[];
  /** Default `'127.0.0.1'`. With `protocol: 'uds'`, the socket path. */
  readonly host?: string;
  /** Default 8125. */
  readonly port?: number;
  /** Default `'udp'`. `'uds'` needs the optional native `unix-dgram` package installed. */
  readonly protocol?: 'udp' | 'tcp' | 'uds';
  /** Prepended to every metric name, joined with `.`. */
  readonly prefix?: string;
  /** Tags sent with every metric (standard formatter: their values are appended to every name). */
  readonly globalTags?: Readonly<Record<string, string>>;
  /** Default `'standard'`. */
  readonly formatter?: Formatter;
  /** Default sample rate in (0, 1] for metrics without `reporterOptions.sampleRate`. Default 1. */
  readonly sampleRate?: number;
  /** Lines are batched into packets of at most this many bytes; 0 sends one packet per metric. Default 1432. */
  readonly maxBufferSize?: number;
  /** The longest a batched line waits, in ms. Default 1000. */
  readonly bufferFlushInterval?: number;
  /**
   * TCP only: the most characters (bytes, for ASCII names and tags) held for a server that does not
   * read fast enough (or at all); a packet past it is dropped and its lines are counted
   * (`reporter.dropped`, `['telemetry','statsd','dropped']`). Default 1 MiB.
   */
  readonly maxQueueBytes?: number;
  /** Receives every error (socket errors, failed sends); errors are counted whether or not it is given. */
  readonly onError?: (error: Error) => void;
  /**
   * Client-side aggregation: counts (counter, sum) are added up and gauges
   * (lastValue) keep their last value per name and tags, and are sent once per `flushIntervalMs`
   * (and at `stop()`), for every formatter. Timers, histograms and distributions are not summed
   * but held for the same flush, every value sent (standard and Telegraf: several values per line,
   * `name:v1|ms:v2|ms`). Lines sampled at a rate below 1 are sent as they are. Default off.
   */
  readonly aggregation?: boolean | StatsdAggregationOptions;
  /**
   * DogStatsD only (`formatter: 'datadog'`): gauges (lastValue) carry the time they were
   * recorded, `|T<unix seconds>` (DogStatsD protocol 1.3, Datadog Agent 6.40 / 7.40 and later).
   * Counts are not timestamped (the Agent does not aggregate timestamped points, so per-event
   * counts would overwrite each other), nor timers, histograms and distributions (the protocol
   * allows timestamps on gauges and counts only). Default false.
   */
  readonly timestamps?: boolean;
}

/** Options of client-side aggregation. */
export interface StatsdAggregationOptions {
  /** How often aggregated counts and gauges are sent, ms. Default 2000. */
  readonly flushIntervalMs?: number;
  /** The most distinct name-and-tags contexts held per flush; past it new contexts are sent unaggregated. Default 5000. */
  readonly maxContexts?: number;
}

/** `reporterOptions` a metric definition may carry for this reporter. */
export interface StatsdMetricOptions {
  /** This metric's sample rate in (0, 1]; overrides the reporter's `sampleRate`. */
  readonly sampleRate?: number;
  /** For `sum` only: `'counter'` (default, `|c`) or `'gauge'` (relative gauge, `+v|g`). */
  readonly reportAs?: 'counter' | 'gauge';
}

export interface ResolvedOptions {
  readonly metrics: readonly MetricDefinition[];
  readonly host: string;
  readonly port: number;
  readonly protocol: 'udp' | 'tcp' | 'uds';
  readonly prefix: string | undefined;
  readonly globalTags: Readonly<Record<string, string>>;
  readonly formatter: Formatter;
  readonly sampleRate: number;
  readonly maxBufferSize: number;
  readonly bufferFlushInterval: number;
  readonly maxQueueBytes: number;
  readonly onError: ((error: Error) => void) | undefined;
  /** Client-side aggregation (the reporter's own, client-aggregation.ts), or undefined when off. */
  readonly aggregation: { readonly flushInterval: number; readonly maxContexts: number } | undefined;
  readonly timestamps: boolean;
}

export const DEFAULT_AGGREGATION_FLUSH_MS = 2000;
export const DEFAULT_AGGREGATION_CONTEXTS = 5000;

function resolveAggregation(value: boolean | StatsdAggregationOptions | undefined): ResolvedOptions['aggregation'] {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { flushInterval: DEFAULT_AGGREGATION_FLUSH_MS, maxContexts: DEFAULT_AGGREGATION_CONTEXTS };
  if (value === null || typeof value !== 'object') fail(`options.aggregation must be a boolean or { flushIntervalMs?, maxContexts? }, got ${show(value)}`);
  const flushInterval = value.flushIntervalMs ?? DEFAULT_AGGREGATION_FLUSH_MS;
  if (!Number.isInteger(flushInterval) || flushInterval < 1 || flushInterval > 2_147_483_647) {
    fail(`options.aggregation.flushIntervalMs must be a positive integer (ms), got ${show(flushInterval)}`);
  }
  const maxContexts = value.maxContexts ?? DEFAULT_AGGREGATION_CONTEXTS;
  if (!Number.isInteger(maxContexts) || maxContexts < 1) fail(`options.aggregation.maxContexts must be a positive integer, got ${show(maxContexts)}`);
  return { flushInterval, maxContexts };
}

const DEFAULT_MAX_QUEUE_BYTES = 1024 * 1024;

function fail(problem: string): never {
  throw new TypeError(`StatsdReporter: ${problem}`);
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function isSampleRate(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value <= 1;
}

/** Validates everything up front, so a bad option fails at construction, never on the emit path. */
export function resolveOptions(options: StatsdReporterOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') fail('options must be an object with a metrics array');
  const { metrics } = options;
  if (!Array.isArray(metrics) || metrics.length === 0) fail('options.metrics must be an array of at least one metric definition');
  const names = new Set<string>();
  for (const [i, m] of metrics.entries()) {
    if (!isMetricDefinition(m)) {
      fail(`options.metrics[${i}] is not a metric definition (use counter(), sum(), lastValue(), summary() or distribution())`);
    }
    if (names.has(m.name)) fail(`metric ${show(m.name)} is defined twice`);
    names.add(m.name);
    const ro = m.reporterOptions as StatsdMetricOptions;
    if (ro.sampleRate !== undefined && !isSampleRate(ro.sampleRate)) {
      fail(`metric ${show(m.name)}: reporterOptions.sampleRate must be a number in (0, 1], got ${show(ro.sampleRate)}`);
    }
    if (ro.reportAs !== undefined && ro.reportAs !== 'counter' && ro.reportAs !== 'gauge') {
      fail(`metric ${show(m.name)}: reporterOptions.reportAs must be 'counter' or 'gauge', got ${show(ro.reportAs)}`);
    }
    if (ro.reportAs === 'gauge' && m.type !== 'sum') fail(`metric ${show(m.name)}: reporterOptions.reportAs applies to sum metrics only`);
  }
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) fail(`options.host must be a non-empty string, got ${show(host)}`);
  const port = options.port ?? 8125;
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`options.port must be an integer in [1, 65535], got ${show(port)}`);
  const protocol = options.protocol ?? 'udp';
  if (protocol !== 'udp' && protocol !== 'tcp' && protocol !== 'uds') fail(`options.protocol must be 'udp', 'tcp' or 'uds', got ${show(protocol)}`);
  const prefix = options.prefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || prefix.length === 0)) fail(`options.prefix must be a non-empty string, got ${show(prefix)}`);
  const globalTags = options.globalTags ?? {};
  if (globalTags === null || typeof globalTags !== 'object' || Array.isArray(globalTags)) fail('options.globalTags must be an object of string values');
  for (const [k, v] of Object.entries(globalTags)) {
    if (typeof v !== 'string') fail(`options.globalTags.${k} must be a string, got ${show(v)}`);
  }
  const formatter = options.formatter ?? 'standard';
  if (!FORMATTERS.includes(formatter)) fail(`options.formatter must be one of ${FORMATTERS.join(', ')}, got ${show(formatter)}`);
  const sampleRate = options.sampleRate ?? 1;
  if (!isSampleRate(sampleRate)) fail(`options.sampleRate must be a number in (0, 1], got ${show(sampleRate)}`);
  const maxBufferSize = options.maxBufferSize ?? 1432;
  if (!Number.isInteger(maxBufferSize) || maxBufferSize < 0) fail(`options.maxBufferSize must be a non-negative integer, got ${show(maxBufferSize)}`);
  const bufferFlushInterval = options.bufferFlushInterval ?? 1000;
  if (!Number.isInteger(bufferFlushInterval) || bufferFlushInterval < 1) {
    fail(`options.bufferFlushInterval must be a positive integer (ms), got ${show(bufferFlushInterval)}`);
  }
  const maxQueueBytes = options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES;
  if (!Number.isInteger(maxQueueBytes) || maxQueueBytes < 1) fail(`options.maxQueueBytes must be a positive integer, got ${show(maxQueueBytes)}`);
  const onError = options.onError;
  if (onError !== undefined && typeof onError !== 'function') fail('options.onError must be a function');
  const aggregation = resolveAggregation(options.aggregation);
  const timestamps = options.timestamps ?? false;
  if (typeof timestamps !== 'boolean') fail(`options.timestamps must be a boolean, got ${show(timestamps)}`);
  if (timestamps && formatter !== 'datadog') {
    fail(`options.timestamps needs formatter 'datadog' (DogStatsD's |T field; a ${formatter} server would reject or ignore it)`);
  }
  return { metrics, host, port, protocol, prefix, globalTags, formatter, sampleRate, maxBufferSize, bufferFlushInterval, maxQueueBytes, onError, aggregation, timestamps };
}
