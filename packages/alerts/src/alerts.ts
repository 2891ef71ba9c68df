import { HANDLER_FAILURE_EVENT, msToNs, timeMeasurements, type Telemetry } from '@rx-telemetry/core';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import type { Subscription } from 'rxjs';
import type { Alert } from './alert.js';
import { ALERT_DELIVERY_FAILED_EVENT, ALERT_FIRED_EVENT, ALERT_RESOLVED_EVENT, ALERT_UNKNOWN_METRIC_EVENT } from './alert-events.js';
import { AlertTracker } from './alert-tracker.js';
import { deliveryCheck, firingCheck } from './alerts-health.js';
import { checkOptions, type AlertsOptions } from './alerts-options.js';
import { DeliveryQueue, type DeliveryFailure } from './delivery/delivery-queue.js';
import { checkMetricsDefined, compileRules, type CompiledRule } from './rules/compile-rules.js';
import type { Evaluation } from './rules/evaluation.js';
import { metricsNamed } from './rules/metric-index.js';

/** Counts since construction, per handler name. */
export interface DeliveryStats {
  readonly [handler: string]: { readonly delivered: number; readonly failed: number; readonly queued: number };
}

// Names what was being handled in failure reports; nothing emits it.
const EVALUATION = Object.freeze(['telemetry', 'alert', 'evaluation']);

/**
 * Evaluates alert rules on every metrics snapshot. Each rule and label set goes
 * pending → firing (after `forMs`) → resolved; firing and resolution are emitted on the bus as
 * `['telemetry','alert','fired' | 'resolved']` and sent to the handlers, each on its own
 * asynchronous bounded queue. Registers with the bus (`telemetry.shutdown()` stops it) and
 * adds the health checks `alerts` (firing alerts) and `alerts.delivery`.
 *
 * ```ts
 * const alerts = new Alerts(telemetry, {
 *   aggregator, intervalMs: 1000,
 *   rules: [{ name: 'SlowCheckout', severity: 'critical', metric: 'http.request.duration',
 *             tags: { route: '/checkout' }, stat: 'p99', op: '>', threshold: 500, forMs: 30_000 }],
 *   handlers: [logHandler(pino()), webhookHandler({ url: 'https://hooks.example.com/x' })],
 *   suppression: { minIntervalMs: 300_000 },
 * });
 * ```
 */
export class Alerts {
  readonly #telemetry: Telemetry;
  readonly #compiled: readonly CompiledRule[];
  readonly #queues: readonly DeliveryQueue[];
  readonly #tracker: AlertTracker;
  readonly #stopTimeoutMs: number;
  readonly #subscription: Subscription;
  readonly #removeChecks: readonly (() => void)[];
  readonly #stop: () => Promise<void>;
  /** Rule-and-metric pairs missing from the snapshots, reported once each (only without an aggregator to check against). */
  readonly #unknown: Set<string> | undefined;
  #stopped = false;

  constructor(telemetry: Telemetry, options: AlertsOptions) {
    if (telemetry === null || typeof telemetry !== 'object' || typeof telemetry.emit !== 'function' || typeof telemetry.manage !== 'function') {
      throw new TypeError('Alerts: telemetry must be a Telemetry instance');
    }
    const o = checkOptions(telemetry, options);
    this.#compiled = compileRules(options.rules);
    if (o.aggregator !== undefined) checkMetricsDefined(this.#compiled, definedMetrics(o.aggregator));
    this.#unknown = o.aggregator === undefined ? new Set() : undefined;
    this.#telemetry = telemetry;
    this.#stopTimeoutMs = o.stopTimeoutMs;
    const taken = new Set<string>();
    this.#queues = o.handlers.map((h, i) => {
      const base = h.handlerName ?? (h.name !== '' ? h.name : `handler#${i}`);
      // Two webhooks to one host show the same name; stats and events must tell them apart.
      let name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}#${n}`;
      taken.add(name);
      return new DeliveryQueue(h, name, o.queueSize, o.timeoutMs, (f) => this.#deliveryFailed(f));
    });
    this.#tracker = new AlertTracker(o, {
      transition: (alert, suppressed) => this.#emit(alert, suppressed),
      notify: (alert) => {
        for (const q of this.#queues) q.push(alert);
      },
    });
    // Both checks first: a duplicate name (a second Alerts named alike) throws before anything is attached.
    const firing = telemetry.addHealthCheck(o.name, firingCheck(() => this.#tracker.firing()));
    let delivery: () => void;
    try {
      delivery = telemetry.addHealthCheck(`${o.name}.delivery`, deliveryCheck(this.#queues));
    } catch (error) {
      firing();
      throw error;
    }
    this.#removeChecks = [firing, delivery];
    this.#stop = telemetry.manage(o.name, () => this.#close());
    this.#subscription = o.source.subscribe({
      next: (snapshot) => this.#evaluate(snapshot),
      error: (error: unknown) => this.#reportFailure('alerts(source)', error),
    });
  }

  /** Alerts pending or firing now. */
  active(): Alert[] {
    return this.#tracker.active();
  }

  /** Fired and resolved alerts, oldest first, at most `historySize`. */
  history(): Alert[] {
    return this.#tracker.history();
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
   * Stops evaluating and resolves the alerts still firing (`reason: 'stopped'`; handlers that
   * were told of the firing get the resolution), then waits for the delivery queues to drain, at
   * most `delivery.stopTimeoutMs`: after that, deliveries in flight are aborted and the rest is
   * dropped, each reported as `delivery_failed` with reason `abandoned`. Removes its health
   * checks. Idempotent: every call returns the same promise; `telemetry.shutdown()` calls it.
   */
  stop(): Promise<void> {
    return this.#stop();
  }

  async #close(): Promise<void> {
    this.#stopped = true;
    this.#subscription.unsubscribe();
    this.#tracker.resolveAll();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.#stopTimeoutMs);
    });
    try {
      if ((await Promise.race([this.flush(), late])) === 'late') {
        for (const q of this.#queues) q.abandon();
        await this.flush();
      }
    } finally {
      clearTimeout(timer);
      for (const remove of this.#removeChecks) remove();
    }
  }

  #evaluate(snapshot: MetricsSnapshot): void {
    if (this.#stopped) return;
    if (snapshot === null || typeof snapshot !== 'object' || !Number.isFinite(snapshot.timestamp) || !Array.isArray(snapshot.metrics)) {
      this.#reportFailure('alerts(source)', new TypeError('Alerts: source emitted something that is not a MetricsSnapshot'));
      return;
    }
    const t = snapshot.timestamp;
    for (const compiled of this.#compiled) {
      if (this.#unknown !== undefined) this.#checkKnown(compiled, snapshot);
      let evaluations: Evaluation[];
      try {
        evaluations = compiled.evaluator.evaluate(snapshot);
      } catch (error) {
        // One broken rule must not silence the others; its alerts keep their state.
        this.#reportFailure(`alerts(${compiled.rule.name})`, error);
        continue;
      }
      this.#tracker.advance(compiled.rule, evaluations, t);
    }
    this.#tracker.prune(t);
  }

  #checkKnown(compiled: CompiledRule, snapshot: MetricsSnapshot): void {
    const unknown = this.#unknown as Set<string>;
    for (const metric of compiled.metrics) {
      const key = `${compiled.rule.name}\u0000${metric}`;
      if (unknown.has(key) || metricsNamed(snapshot, metric).length !== 0) continue;
      unknown.add(key);
      this.#telemetry.emit(ALERT_UNKNOWN_METRIC_EVENT, {}, { rule: compiled.rule.name, metric });
    }
  }

  #emit(alert: Alert, suppressed: boolean): void {
    const measurements: Record<string, number> = { value: alert.value, threshold: alert.threshold, startsAt: alert.startsAt };
    if (alert.endsAt !== undefined) {
      measurements.endsAt = alert.endsAt;
      measurements.duration = msToNs(alert.endsAt - (alert.firedAt ?? alert.startsAt));
    }
    const metadata: Record<string, unknown> = { name: alert.name, severity: alert.severity, status: alert.status, labels: alert.labels, annotations: alert.annotations, suppressed };
    if (alert.reason !== undefined) metadata.reason = alert.reason;
    this.#telemetry.emit(alert.status === 'resolved' ? ALERT_RESOLVED_EVENT : ALERT_FIRED_EVENT, measurements, metadata);
  }

  #deliveryFailed(f: DeliveryFailure): void {
    this.#telemetry.emit(
      ALERT_DELIVERY_FAILED_EVENT,
      { attempts: f.attempts, failures: f.failures },
      { handler: f.handler, reason: f.reason, error: f.error, name: f.alert.name, severity: f.alert.severity, status: f.alert.status, labels: f.alert.labels },
    );
  }

  #reportFailure(handlerId: string, error: unknown): void {
    this.#telemetry.emit(HANDLER_FAILURE_EVENT, timeMeasurements(), {
      handlerId,
      event: EVALUATION,
      config: undefined,
      error,
      stacktrace: error instanceof Error ? (error.stack ?? String(error)) : String(error),
    });
  }
}

/** The metric names the aggregator defines, read through its public visitor (no series visited). */
function definedMetrics(aggregator: { collect(visitor: { metric(m: { readonly definition: { readonly name: string } }): boolean }): void }): Set<string> {
  const names = new Set<string>();
  aggregator.collect({
    metric: (m) => {
      names.add(m.definition.name);
      return false;
    },
  });
  return names;
}
