import type { Alert } from './alert.js';
import { labelsKey } from './labels.js';
import type { Evaluation } from './rules/evaluation.js';
import type { AlertRule } from './rules/rule.js';

interface Track {
  readonly rule: AlertRule;
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

/** Where the tracker's transitions go: the bus event (`suppressed`: handlers are not told) and the handlers. */
export interface TrackerOutput {
  transition(alert: Alert, suppressed: boolean): void;
  notify(alert: Alert): void;
}

export interface TrackerOptions {
  readonly minIntervalMs: number;
  readonly occurrences: number;
  readonly repeatMs: number | undefined;
  readonly historySize: number;
}

/**
 * The alerts' state: per rule and label set pending → firing → resolved, with suppression and
 * re-notification, on the snapshots' clock.
 */
export class AlertTracker {
  readonly #options: TrackerOptions;
  readonly #out: TrackerOutput;
  readonly #tracks = new Map<string, Track>();
  readonly #lastNotified = new Map<string, number>();
  readonly #history: Alert[] = [];
  /** The latest snapshot time seen: the alerts' "now". */
  #now: number | undefined;

  constructor(options: TrackerOptions, out: TrackerOutput) {
    this.#options = options;
    this.#out = out;
  }

  active(): Alert[] {
    return [...this.#tracks.values()].map((t) => this.#alert(t, t.status));
  }

  history(): Alert[] {
    return [...this.#history];
  }

  /** Firing alerts now (pending ones are not yet anyone's business). */
  firing(): Alert[] {
    return this.active().filter((a) => a.status === 'firing');
  }

  /** Applies one rule's evaluations at snapshot time `t`. */
  advance(rule: AlertRule, evaluations: readonly Evaluation[], t: number): void {
    this.#now = t;
    const prefix = `${rule.name}\u0003`;
    const seen = new Set<string>();
    const forMs = rule.forMs ?? 0;
    for (const e of evaluations) {
      if (!e.breaching) continue;
      const key = prefix + labelsKey(e.labels);
      seen.add(key);
      let track = this.#tracks.get(key);
      if (track === undefined) {
        track = { rule, key, labels: { ...rule.labels, ...e.labels }, status: 'pending', startsAt: t, firedAt: undefined, consecutive: 0, value: e.value, threshold: e.threshold, notified: false };
        this.#tracks.set(key, track);
      }
      track.consecutive++;
      track.value = e.value;
      track.threshold = e.threshold;
      if (track.status === 'pending') {
        if (t - track.startsAt >= forMs && track.consecutive >= this.#options.occurrences) this.#fire(track, t);
      } else {
        this.#renotify(track, t);
      }
    }
    let last: Map<string, Evaluation> | undefined;
    for (const [key, track] of this.#tracks) {
      if (track.rule !== rule || seen.has(key)) continue;
      this.#tracks.delete(key);
      // A pending alert that stops breaching never existed as far as anyone outside knows.
      if (track.status !== 'firing') continue;
      last ??= new Map(evaluations.map((e) => [prefix + labelsKey(e.labels), e]));
      const e = last.get(key);
      if (e !== undefined) {
        track.value = e.value;
        track.threshold = e.threshold;
      }
      this.#resolve(track, t, undefined);
    }
  }

  /** Forgets suppression memory older than the interval, for label sets with no alert. */
  prune(t: number): void {
    for (const [key, at] of this.#lastNotified) {
      if (t - at >= this.#options.minIntervalMs && !this.#tracks.has(key)) this.#lastNotified.delete(key);
    }
  }

  /**
   * Resolves every firing alert because evaluation stops (`reason: 'stopped'`, `endsAt` the
   * latest snapshot time), so no receiver is left with a firing alert that nobody will ever
   * resolve; pending alerts are dropped.
   */
  resolveAll(): void {
    const t = this.#now ?? Date.now();
    for (const track of this.#tracks.values()) if (track.status === 'firing') this.#resolve(track, t, 'stopped');
    this.#tracks.clear();
  }

  #fire(track: Track, t: number): void {
    track.status = 'firing';
    track.firedAt = t;
    const previous = this.#lastNotified.get(track.key);
    const send = previous === undefined || t - previous >= this.#options.minIntervalMs;
    const alert = this.#alert(track, 'firing');
    this.#record(alert);
    this.#out.transition(alert, !send);
    if (send) this.#notify(track, alert, t);
  }

  #renotify(track: Track, t: number): void {
    const { minIntervalMs, repeatMs } = this.#options;
    const previous = this.#lastNotified.get(track.key);
    const due = !track.notified
      ? previous === undefined || t - previous >= minIntervalMs
      : repeatMs !== undefined && previous !== undefined && t - previous >= Math.max(repeatMs, minIntervalMs);
    if (due) this.#notify(track, this.#alert(track, 'firing'), t);
  }

  #resolve(track: Track, t: number, reason: 'stopped' | undefined): void {
    const alert = this.#alert(track, 'resolved', t, reason);
    this.#record(alert);
    this.#out.transition(alert, !track.notified);
    if (track.notified) this.#notify(track, alert, t);
  }

  #notify(track: Track, alert: Alert, t: number): void {
    track.notified = true;
    this.#lastNotified.set(track.key, t);
    this.#out.notify(alert);
  }

  #alert(track: Track, status: Alert['status'], endsAt?: number, reason?: 'stopped'): Alert {
    const rule = track.rule;
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
      ...(reason !== undefined ? { reason } : {}),
    };
    return Object.freeze(alert);
  }

  #record(alert: Alert): void {
    if (this.#options.historySize === 0) return;
    this.#history.push(alert);
    if (this.#history.length > this.#options.historySize) this.#history.shift();
  }
}
