import type { Telemetry } from '@rx-telemetry/core';
import type { Aggregator, MetricsSnapshot } from '@rx-telemetry/hdr';
import type { Observable } from 'rxjs';
import { checkCount, checkInteger } from './check-number.js';
import type { AlertHandler } from './delivery/handler.js';
import type { AlertRule } from './rules/rule.js';
import type { Suppression } from './suppression.js';

export interface AlertsOptions {
  /**
   * The aggregator whose snapshots are evaluated every `intervalMs`. It must listen on the same
   * bus, and every metric a rule names must be one of its definitions (a TypeError otherwise).
   */
  readonly aggregator?: Aggregator;
  /** How often the aggregator's snapshots are evaluated (default 1000 ms); only with `aggregator` and no `source`. */
  readonly intervalMs?: number;
  /**
   * Instead of (or to filter) the aggregator's snapshots: any stream of them (replays, merged
   * snapshots, tests). Its timestamps are the alerts' clock.
   */
  readonly source?: Observable<MetricsSnapshot>;
  readonly rules: readonly AlertRule[];
  readonly handlers?: readonly AlertHandler[];
  readonly suppression?: Suppression;
  /** Re-notify handlers about alerts still firing this often (default: never). */
  readonly repeatIntervalMs?: number;
  /** How many fired/resolved alerts `history()` keeps (default 1000). */
  readonly historySize?: number;
  readonly delivery?: {
    /** Notifications waiting per handler before the oldest is dropped and reported (default 1000). */
    readonly queueSize?: number;
    /** A handler that has not settled after this counts as failed; its queue moves on (default 30000). */
    readonly timeoutMs?: number;
    /**
     * How long `stop()` waits for the queues to drain (default 5000, within shutdown's default
     * 10 s deadline); then deliveries in flight are aborted and the rest dropped, each reported.
     */
    readonly stopTimeoutMs?: number;
  };
  /** Names this part in shutdown reports and its health checks (`<name>`, `<name>.delivery`); default `'alerts'`. */
  readonly name?: string;
}

export interface CheckedOptions {
  readonly source: Observable<MetricsSnapshot>;
  readonly aggregator: Aggregator | undefined;
  readonly handlers: readonly AlertHandler[];
  readonly minIntervalMs: number;
  readonly occurrences: number;
  readonly repeatMs: number | undefined;
  readonly historySize: number;
  readonly queueSize: number;
  readonly timeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly name: string;
}

const KNOWN = new Set(['aggregator', 'intervalMs', 'source', 'rules', 'handlers', 'suppression', 'repeatIntervalMs', 'historySize', 'delivery', 'name']);

/** Every option checked (a TypeError naming it), defaults applied; the rules are checked by compileRules. */
export function checkOptions(telemetry: Telemetry, options: AlertsOptions): CheckedOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('Alerts: options must be an object');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new TypeError(`Alerts: unknown option ${JSON.stringify(key)}`);
  const { aggregator } = options;
  if (aggregator !== undefined) {
    if (aggregator === null || typeof aggregator !== 'object' || typeof aggregator.collect !== 'function') throw new TypeError('Alerts: aggregator must be an Aggregator');
    if (aggregator.telemetry !== telemetry) throw new TypeError('Alerts: the aggregator listens on another bus than the one given to Alerts');
  }
  let source = options.source;
  if (source === undefined) {
    if (aggregator === undefined) throw new TypeError('Alerts: needs an aggregator (or a source of snapshots)');
    source = aggregator.snapshots(checkInteger(options.intervalMs ?? 1000, 'Alerts: intervalMs', 1));
  } else {
    if (source === null || typeof source !== 'object' || typeof source.subscribe !== 'function') throw new TypeError('Alerts: source must be an Observable of MetricsSnapshot');
    if (options.intervalMs !== undefined) throw new TypeError('Alerts: intervalMs applies to the aggregator\'s snapshots; with a source, the source sets the pace');
  }
  const handlers = options.handlers ?? [];
  if (!Array.isArray(handlers)) throw new TypeError('Alerts: handlers must be an array of functions');
  handlers.forEach((h, i) => {
    if (typeof h !== 'function') throw new TypeError(`Alerts: handlers[${i}] must be a function`);
  });
  const s = options.suppression ?? {};
  if (s === null || typeof s !== 'object') throw new TypeError('Alerts: suppression must be an object');
  const d = options.delivery ?? {};
  if (d === null || typeof d !== 'object') throw new TypeError('Alerts: delivery must be an object');
  const name = options.name ?? 'alerts';
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('Alerts: name must be a non-empty string');
  return {
    source,
    aggregator,
    handlers,
    minIntervalMs: checkCount(s.minIntervalMs ?? 0, 'Alerts: suppression.minIntervalMs', 0),
    occurrences: checkInteger(s.occurrenceThreshold ?? 1, 'Alerts: suppression.occurrenceThreshold', 1),
    repeatMs: options.repeatIntervalMs === undefined ? undefined : checkCount(options.repeatIntervalMs, 'Alerts: repeatIntervalMs', 1),
    historySize: checkInteger(options.historySize ?? 1000, 'Alerts: historySize', 0),
    queueSize: checkInteger(d.queueSize ?? 1000, 'Alerts: delivery.queueSize', 1),
    timeoutMs: checkCount(d.timeoutMs ?? 30_000, 'Alerts: delivery.timeoutMs', 1),
    stopTimeoutMs: checkCount(d.stopTimeoutMs ?? 5000, 'Alerts: delivery.stopTimeoutMs', 0),
    name,
  };
}
