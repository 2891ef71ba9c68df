import { checkUrl, displayUrl } from '@rx-telemetry/http-client';
import type { Alert } from '../alert.js';
import { named, type AlertHandler } from './handler.js';
import { jsonPoster, type HttpHandlerOptions } from './http-post.js';

export interface AlertmanagerOptions extends HttpHandlerOptions {
  /** Alertmanager's base URL, e.g. `http://127.0.0.1:9093` (`/api/v2/alerts` is appended). */
  readonly url: string;
  /** Where the alert came from, shown as its source link in Alertmanager's UI. */
  readonly generatorURL?: string;
}

/** One alert as Alertmanager's API v2 (`postableAlert`) takes it. */
export interface PostableAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt?: string;
  readonly generatorURL?: string;
}

/**
 * Posts notifications to Alertmanager's API v2. Labels are the alert's labels plus `alertname`
 * and `severity`; `value` and `threshold` go into annotations. A resolved alert is posted with
 * `endsAt`, which resolves it there. A firing one has no `endsAt`: Alertmanager resolves it by
 * itself after its `resolve_timeout` (5 m by default) unless it is posted again, so set
 * `repeatIntervalMs` on `Alerts` below that for alerts that may fire longer.
 *
 * ```ts
 * new Alerts(telemetry, { aggregator, rules, repeatIntervalMs: 60_000,
 *   handlers: [alertmanagerHandler({ url: 'http://127.0.0.1:9093' })] });
 * ```
 */
export function alertmanagerHandler(options: AlertmanagerOptions): AlertHandler {
  if (options === null || typeof options !== 'object') throw new TypeError('alertmanagerHandler: options must be an object');
  checkUrl(options.url, 'alertmanagerHandler');
  if (options.generatorURL !== undefined) checkUrl(options.generatorURL, 'alertmanagerHandler: generatorURL');
  const base = options.url;
  const url = /\/api\/v2\/alerts\/?$/.test(base) ? base : `${base.replace(/\/+$/, '')}/api/v2/alerts`;
  const poster = jsonPoster(options, 'alertmanagerHandler', url);
  return named(`alertmanager(${displayUrl(base)})`, (alert, signal) => poster.post([toPostableAlert(alert, options.generatorURL)], signal));
}

/** Alertmanager label names must match `[a-zA-Z_][a-zA-Z0-9_]*`; tag names like `http.route` do not. */
function labelName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[a-zA-Z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

export function toPostableAlert(alert: Alert, generatorURL?: string): PostableAlert {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(alert.labels)) labels[labelName(k)] = v;
  labels.alertname = alert.name;
  labels.severity = alert.severity;
  const annotations: Record<string, string> = { ...alert.annotations, value: String(alert.value), threshold: String(alert.threshold) };
  const out: { -readonly [K in keyof PostableAlert]: PostableAlert[K] } = { labels, annotations, startsAt: new Date(alert.startsAt).toISOString() };
  if (alert.status === 'resolved') out.endsAt = new Date(alert.endsAt ?? Date.now()).toISOString();
  if (generatorURL !== undefined) out.generatorURL = generatorURL;
  return out;
}
