import type { Aggregator } from '@rx-telemetry/hdr';
import type { RecentTracesOptions } from '@rx-telemetry/profile';

/** Options of `livePage(telemetry, options)`. */
export interface LivePageOptions {
  /** The store whose metric definitions become the charts. It must be on the same bus. */
  readonly aggregator: Aggregator;
  /** The page's heading. Default 'rx-telemetry'. */
  readonly title?: string;
  /** How often a point is taken and sent (default 1000 ms). */
  readonly intervalMs?: number;
  /** Points kept on the server, so a reload is not empty (default 900: 15 minutes at 1 s). */
  readonly historyPoints?: number;
  /** Series kept at most (default 500); more are dropped and counted. */
  readonly maxSeries?: number;
  /** Server-sent-event clients at once (default 16); more get 503. */
  readonly maxClients?: number;
  /** Links shown in the header, label → href (e.g. `{ metrics: '/metrics' }`). */
  readonly links?: Readonly<Record<string, string>>;
  /** Facts shown in the header, label → text (e.g. `{ log: '/tmp/…/events.jsonl' }`). */
  readonly facts?: Readonly<Record<string, string>>;
  /** Keep recent traces so exceptions link to their job's trace (default true; options of `recentTraces`). */
  readonly traces?: boolean | RecentTracesOptions;
  /** Longest "record N s" profile the page may ask for (default 30 s). */
  readonly maxProfileSeconds?: number;
  /** Clock for the points' times (epoch ms); tests inject one. Default Date.now. */
  readonly now?: () => number;
}

export interface CheckedOptions {
  readonly aggregator: Aggregator;
  readonly title: string;
  readonly intervalMs: number;
  readonly historyPoints: number;
  readonly maxSeries: number;
  readonly maxClients: number;
  readonly links: Readonly<Record<string, string>>;
  readonly facts: Readonly<Record<string, string>>;
  readonly traces: RecentTracesOptions | undefined;
  readonly maxProfileSeconds: number;
  readonly now: () => number;
}

function fail(problem: string): never {
  throw new TypeError(`livePage: ${problem}`);
}

function positiveInt(name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(`${name} must be a positive integer, got ${String(v)}`);
  return v;
}

function strings(name: string, v: unknown): Readonly<Record<string, string>> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Object.values(v).some((x) => typeof x !== 'string')) fail(`${name} must be an object of strings`);
  return v as Record<string, string>;
}

export function checkOptions(options: LivePageOptions): CheckedOptions {
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const { aggregator } = options;
  if (aggregator === null || typeof aggregator !== 'object' || typeof aggregator.collect !== 'function') fail('options.aggregator must be an Aggregator of @rx-telemetry/hdr');
  if (options.title !== undefined && typeof options.title !== 'string') fail('options.title must be a string');
  if (options.now !== undefined && typeof options.now !== 'function') fail('options.now must be a function');
  const traces = options.traces;
  if (traces !== undefined && typeof traces !== 'boolean' && (traces === null || typeof traces !== 'object')) fail('options.traces must be a boolean or recentTraces options');
  return {
    aggregator,
    title: options.title ?? 'rx-telemetry',
    intervalMs: positiveInt('intervalMs', options.intervalMs, 1000),
    historyPoints: positiveInt('historyPoints', options.historyPoints, 900),
    maxSeries: positiveInt('maxSeries', options.maxSeries, 500),
    maxClients: positiveInt('maxClients', options.maxClients, 16),
    links: strings('links', options.links),
    facts: strings('facts', options.facts),
    traces: traces === false ? undefined : traces === true || traces === undefined ? {} : traces,
    maxProfileSeconds: positiveInt('maxProfileSeconds', options.maxProfileSeconds, 30),
    now: options.now ?? Date.now,
  };
}
