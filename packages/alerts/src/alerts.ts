import { HANDLER_FAILURE_EVENT, type Telemetry } from '@rx-telemetry/core';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import type { Observable, Subscription } from 'rxjs';
import type { Alert } from './alert.js';
import { ALERT_DELIVERY_FAILED_EVENT, ALERT_FIRED_EVENT, ALERT_RESOLVED_EVENT } from './alert-events.js';
import { AnomalyEvaluator } from './anomaly-rule.js';
import { checkCount, checkInteger } from './check-number.js';
import { DeliveryQueue, type DeliveryFailure } from './delivery-queue.js';
import type { Evaluation, RuleEvaluator } from './evaluation.js';
import type { AlertHandler } from './handler.js';
import { monitorHealth } from './health/health-monitor.js';
import { labelsKey } from './labels.js';
import { RatioEvaluator } from './ratio-rule.js';
import type { AlertRule, AnomalyRule, RatioRule, ThresholdRule } from './rule.js';
import type { Suppression } from './suppression.js';
import { ThresholdEvaluator } from './threshold-rule.js';
import { validateRule } from './validate-rule.js';

export interface AlertsOptions {
  /** Evaluated on every emission, e.g. `aggregator.snapshots(1000)`. Its timestamps are the alerts' clock. */
  readonly source: Observable<MetricsSnapshot>;
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
  };
}

/** Counts since construction, per handler name. */
export interface DeliveryStats {
  readonly [handler: string]: { readonly delivered: number; readonly failed: number; readonly queued: number };
}

interface Compiled {
  readonly rule: AlertRule;
  readonly kind: 'threshold' | 'ratio' | 'anomaly';
  readonly evaluator: RuleEvaluator;
}

interface Track {
  readonly compiled: Compiled;
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  status: 'pending' | 'firing';
  startsAt: number;
  firedAt: number | undefined;
  consecutive: number;
  value: number;
  threshold: number;
  /** Whether handlers were told about this episode's firing. */
  notified: boolean;
}

// Names what was being handled in failure reports; nothing emits it.
const EVALUATION = Object.freeze(['telemetry', 'alert', 'evaluation']);

const KNOWN_OPTIONS = new Set(['source', 'rules', 'handlers', 'suppression', 'repeatIntervalMs', 'historySize', 'delivery']);

/**
 * Evaluates alert rules on every metrics snapshot. Each rule and label set goes
 * pending → firing (after `forMs`) → resolved; firing and resolution are emitted on the bus as
 * `['telemetry','alert','fired' | 'resolved']` and sent to the handlers, each on its own
 * asynchronous bounded queue.
 *
 * ```ts
 * const alerts = new Alerts(telemetry, {
 *   source: aggregator.snapshots(1000),
 *   rules: [{ name: 'SlowCheckout', severity: 'critical', metric: 'http.request.duration',
 *             tags: { route: '/checkout' }, stat: 'p99', op: '>', threshold: 500, forMs: 30_000 }],
 *   handlers: [logHandler(pino()), webhookHandler({ url: 'https://hooks.example.com/x' })],
 *   suppression: { minIntervalMs: 300_000 },
 * });
 * ```
 */
export class Alerts {
  readonly #telemetry: Telemetry;
  readonly #compiled: readonly Compiled[];
  readonly #queues: readonly DeliveryQueue[];
  readonly #minIntervalMs: number;
  readonly #occurrences: number;
  readonly #repeatMs: number | undefined;
  readonly #historySize: number;
  readonly #tracks = new Map<string, Track>();
  readonly #lastNotified = new Map<string, number>();
  readonly #history: Alert[] = [];
  readonly #subscription: Subscription;
  readonly #unregisterShutdown: () => void;
  #stopped = false;

  constructor(telemetry: Telemetry, options: AlertsOptions) {
    if (telemetry === null || typeof telemetry !== 'object' || typeof telemetry.emit !== 'function') {
      throw new TypeError('Alerts: telemetry must be a Telemetry instance');
    }
    if (options === null || typeof options !== 'object') throw new TypeError('Alerts: options must be an object');
    for (const key of Object.keys(options)) if (!KNOWN_OPTIONS.has(key)) throw new TypeError(`Alerts: unknown option ${JSON.stringify(key)}`);
    if (options.source === null || typeof options.source !== 'object' || typeof options.source.subscribe !== 'function') {
      throw new TypeError('Alerts: source must be an Observable of MetricsSnapshot');
    }
    if (!Array.isArray(options.rules)) throw new TypeError('Alerts: rules must be an array');
    const names = new Set<string>();
    this.#compiled = options.rules.map((rule: AlertRule, i: number) => {
      const kind = validateRule(rule, i);
      if (names.has(rule.name)) throw new TypeError(`invalid rule ${JSON.stringify(rule.name)}: duplicate name`);
      names.add(rule.name);
      const evaluator =
        kind === 'threshold'
          ? new ThresholdEvaluator(rule as ThresholdRule)
          : kind === 'ratio'
            ? new RatioEvaluator(rule as RatioRule)
            : new AnomalyEvaluator(rule as AnomalyRule);
      return { rule, kind, evaluator };
    });
    const handlers = options.handlers ?? [];
    if (!Array.isArray(handlers)) throw new TypeError('Alerts: handlers must be an array of functions');
    handlers.forEach((h, i) => {
      if (typeof h !== 'function') throw new TypeError(`Alerts: handlers[${i}] must be a function`);
    });
    const s = options.suppression ?? {};
    if (s === null || typeof s !== 'object') throw new TypeError('Alerts: suppression must be an object');
    this.#minIntervalMs = checkCount(s.minIntervalMs ?? 0, 'Alerts: suppression.minIntervalMs', 0);
    this.#occurrences = checkInteger(s.occurrenceThreshold ?? 1, 'Alerts: suppression.occurrenceThreshold', 1);
    this.#repeatMs = options.repeatIntervalMs === undefined ? undefined : checkCount(options.repeatIntervalMs, 'Alerts: repeatIntervalMs', 1);
    this.#historySize = checkInteger(options.historySize ?? 1000, 'Alerts: historySize', 0);
    const queueSize = checkInteger(options.delivery?.queueSize ?? 1000, 'Alerts: delivery.queueSize', 1);
    const timeoutMs = checkCount(options.delivery?.timeoutMs ?? 30_000, 'Alerts: delivery.timeoutMs', 1);

    this.#telemetry = telemetry;
    // Health learns about firing critical alerts from the bus; it must listen before we emit.
    monitorHealth(telemetry);
    const taken = new Set<string>();
    this.#queues = handlers.map((h, i) => {
      const base = h.handlerName ?? (h.name !== '' ? h.name : `handler#${i}`);
      // Two webhooks to one host show the same name; stats and events must tell them apart.
      let name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}#${n}`;
      taken.add(name);
      return new DeliveryQueue(h, name, queueSize, timeoutMs, (f) => this.#deliveryFailed(f));
    });
    this.#unregisterShutdown = telemetry.onShutdown(() => this.flush());
    this.#subscription = options.source.subscribe({
      next: (snapshot) => this.#evaluate(snapshot),
      error: (error: unknown) => this.#reportFailure('alerts(source)', error),
    });
  }

  /** Alerts pending or firing now. */
  active(): Alert[] {
    return [...this.#tracks.values()].map((t) => this.#alert(t, t.status));
  }

  /** Fired and resolved alerts, oldest first, at most `historySize`. */
  history(): Alert[] {
    return [...this.#history];
  }

  /** Delivered, failed and queued notifications per handler. */
  deliveryStats(): DeliveryStats {
    const out: Record<string, { delivered: number; failed: number; queued: number }> = {};
    for (const q of this.#queues) out[q.name] = { delivered: q.delivered, failed: q.failed, queued: q.size };
    return out;
  }

  /** Resolves when every notification queued so far was delivered or reported as failed. */
  async flush(): Promise<void> {
    await Promise.all(this.#queues.map((q) => q.drain()));
  }

  /**
   * Stops evaluating. Alerts stay as they are (stopping watching is not recovery). Queued
   * notifications still go out or are reported; `flush()` or `telemetry.shutdown()` waits for them.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#subscription.unsubscribe();
    void this.flush().finally(this.#unregisterShutdown);
  }

  #evaluate(snapshot: MetricsSnapshot): void {
    if (this.#stopped) return;
    if (snapshot === null || typeof snapshot !== 'object' || !Number.isFinite(snapshot.timestamp) || !Array.isArray(snapshot.metrics)) {
      this.#reportFailure('alerts(source)', new TypeError('Alerts: source emitted something that is not a MetricsSnapshot'));
      return;
    }
    const t = snapshot.timestamp;
    for (const compiled of this.#compiled) {
      let evaluations: Evaluation[];
      try {
        evaluations = compiled.evaluator.evaluate(snapshot);
      } catch (error) {
        // One broken rule must not silence the others; its alerts keep their state.
        this.#reportFailure(`alerts(${compiled.rule.name})`, error);
        continue;
      }
      this.#advance(compiled, evaluations, t);
    }
    for (const [key, at] of this.#lastNotified) {
      if (t - at >= this.#minIntervalMs && !this.#tracks.has(key)) this.#lastNotified.delete(key);
    }
  }

  #advance(compiled: Compiled, evaluations: Evaluation[], t: number): void {
    const prefix = `${compiled.rule.name}\u0003`;
    const seen = new Set<string>();
    const forMs = compiled.rule.forMs ?? 0;
    for (const e of evaluations) {
      const key = prefix + labelsKey(e.labels);
      if (!e.breaching) continue;
      seen.add(key);
      let track = this.#tracks.get(key);
      if (track === undefined) {
        track = { compiled, key, labels: { ...compiled.rule.labels, ...e.labels }, status: 'pending', startsAt: t, firedAt: undefined, consecutive: 0, value: e.value, threshold: e.threshold, notified: false };
        this.#tracks.set(key, track);
      }
      track.consecutive++;
      track.value = e.value;
      track.threshold = e.threshold;
      if (track.status === 'pending') {
        if (t - track.startsAt >= forMs && track.consecutive >= this.#occurrences) this.#fire(track, t);
      } else {
        this.#renotify(track, t);
      }
    }
    const last = new Map(evaluations.map((e) => [prefix + labelsKey(e.labels), e]));
    for (const [key, track] of this.#tracks) {
      if (track.compiled !== compiled || seen.has(key)) continue;
      this.#tracks.delete(key);
      // A pending alert that stops breaching never existed as far as anyone outside knows.
      if (track.status === 'firing') {
        const e = last.get(key);
        if (e !== undefined) {
          track.value = e.value;
          track.threshold = e.threshold;
        }
        this.#resolve(track, t);
      }
    }
  }

  #fire(track: Track, t: number): void {
    track.status = 'firing';
    track.firedAt = t;
    const previous = this.#lastNotified.get(track.key);
    const send = previous === undefined || t - previous >= this.#minIntervalMs;
    const alert = this.#alert(track, 'firing');
    this.#record(alert);
    this.#emit(ALERT_FIRED_EVENT, alert, !send);
    if (send) this.#notify(track, alert, t);
  }

  #renotify(track: Track, t: number): void {
    const previous = this.#lastNotified.get(track.key);
    const due = !track.notified
      ? previous === undefined || t - previous >= this.#minIntervalMs
      : this.#repeatMs !== undefined && previous !== undefined && t - previous >= Math.max(this.#repeatMs, this.#minIntervalMs);
    if (due) this.#notify(track, this.#alert(track, 'firing'), t);
  }

  #resolve(track: Track, t: number): void {
    const alert = this.#alert(track, 'resolved', t);
    this.#record(alert);
    this.#emit(ALERT_RESOLVED_EVENT, alert, !track.notified);
    if (track.notified) this.#notify(track, alert, t);
  }

  #notify(track: Track, alert: Alert, t: number): void {
    track.notified = true;
    this.#lastNotified.set(track.key, t);
    for (const q of this.#queues) q.push(alert);
  }

  #alert(track: Track, status: Alert['status'], endsAt?: number): Alert {
    const rule = track.compiled.rule;
    const alert: Alert = {
      name: rule.name,
      severity: rule.severity,
      status,
      labels: Object.freeze({ ...track.labels }),
      annotations: Object.freeze({ ...rule.annotations }),
      value: track.value,
      threshold: track.threshold,
      startsAt: track.startsAt,
      ...(track.firedAt !== undefined && status !== 'pending' ? { firedAt: track.firedAt } : {}),
      ...(endsAt !== undefined ? { endsAt } : {}),
    };
    return Object.freeze(alert);
  }

  #record(alert: Alert): void {
    if (this.#historySize === 0) return;
    this.#history.push(alert);
    if (this.#history.length > this.#historySize) this.#history.shift();
  }

  #emit(event: typeof ALERT_FIRED_EVENT, alert: Alert, suppressed: boolean): void {
    const measurements: Record<string, number> = { value: alert.value, threshold: alert.threshold, startsAt: alert.startsAt };
    if (alert.endsAt !== undefined) {
      measurements.endsAt = alert.endsAt;
      measurements.duration = Math.round((alert.endsAt - (alert.firedAt ?? alert.startsAt)) * 1e6);
    }
    this.#telemetry.emit(event, measurements, {
      name: alert.name,
      severity: alert.severity,
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations,
      suppressed,
    });
  }

  #deliveryFailed(f: DeliveryFailure): void {
    this.#telemetry.emit(
      ALERT_DELIVERY_FAILED_EVENT,
      { attempts: f.attempts, failures: f.failures },
      { handler: f.handler, reason: f.reason, error: f.error, name: f.alert.name, severity: f.alert.severity, status: f.alert.status, labels: f.alert.labels },
    );
  }

  #reportFailure(handlerId: string, error: unknown): void {
    this.#telemetry.emit(
      HANDLER_FAILURE_EVENT,
      { monotonicTime: Math.round(performance.now() * 1e6), systemTime: Date.now() },
      { handlerId, event: EVALUATION, config: undefined, error, stacktrace: error instanceof Error ? (error.stack ?? String(error)) : String(error) },
    );
  }
}
