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
  return { metrics, host, port, protocol, prefix, globalTags, formatter, sampleRate, maxBufferSize, bufferFlushInterval, maxQueueBytes, onError };
}
