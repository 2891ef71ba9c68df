import { attachMetrics, compileMetric, Telemetry, type MetricReader, type MetricsAttachment } from '@rx-telemetry/core';
import type { Observable } from 'rxjs';
import { bucketBounds } from './buckets.js';
import { mergeEncoded, mergeRaw, type MetricAcc } from './codec.js';
import type { MetricsVisitor } from './collect.js';
import { encodeStates } from './encode.js';
import { layoutFor, type Layout } from './layout.js';
import { MetricState } from './metric-state.js';
import { checkOptions, positiveInt, type AggregatorOptions, type Checked } from './options.js';
import { definitionOf } from './restore.js';
import { idleSweeper } from './idle-sweep.js';
import { CoarseClock } from './exemplars.js';
import type { MetricsSnapshot } from './snapshot.js';
import { snapshotStream } from './snapshot-stream.js';
import { takeSnapshot } from './take-snapshot.js';
import { Ticker } from './ticker.js';
import { visitStates } from './visit.js';

let seq = 0;
// The restore path builds an aggregator that attaches to no bus.
const RESTORING: unique symbol = Symbol('restoring');

/**
 * Aggregates metric definitions in process: counters and sums, last values, and HdrHistogram
 * distributions both since start and over a sliding window. One handler per distinct event.
 *
 * ```ts
 * const telemetry = new Telemetry();
 * const aggregator = new Aggregator(telemetry, {
 *   metrics: [
 *     counter('http.request.stop.count', { tags: ['route'] }),
 *     distribution('http.request.stop.duration', { tags: ['route'], unit: { from: 'nanosecond', to: 'second' } }),
 *   ],
 * });
 * telemetry.emit(['http', 'request', 'stop'], { duration: 1_200_000 }, { route: '/users' });
 * aggregator.snapshot().metrics[1].series[0].total?.p99; // 0.0012
 * ```
 */
export class Aggregator {
  readonly windowMs: number;
  readonly significantDigits: number;
  /** The bus this aggregator listens on; undefined for `Aggregator.restore`'s, which listens on none. */
  readonly telemetry: Telemetry | undefined;
  readonly #layout: Layout;
  readonly #ticker: Ticker;
  /** With `exemplars: true`: the timestamp source of exemplars from events without monotonicTime. */
  readonly #clock: CoarseClock | undefined;
  readonly #states: MetricState[] = [];
  readonly #attachment: MetricsAttachment | undefined;
  /** Open snapshots() subscriptions: each gets a last snapshot and completes on stop(). */
  readonly #onStop = new Set<() => void>();
  readonly #stop: () => Promise<void>;
  #stopped = false;

  constructor(telemetry: Telemetry, options: AggregatorOptions) {
    const restoring = (telemetry as unknown) === RESTORING;
    if (!restoring && !(telemetry instanceof Telemetry)) throw new TypeError('Aggregator: telemetry must be a Telemetry instance');
    const o: Checked = checkOptions(options);
    this.telemetry = restoring ? undefined : telemetry;
    this.windowMs = o.durationMs;
    this.significantDigits = o.significantDigits;
    this.#layout = layoutFor(o.significantDigits);
    this.#clock = o.exemplars && !restoring ? new CoarseClock() : undefined;
    this.#ticker = new Ticker(o.durationMs, o.slices, o.now);
    const stateOf = (reader: MetricReader): MetricState => {
      const def = reader.definition;
      const state = new MetricState(reader, bucketBounds(def, o.defaultBuckets), this.#layout, this.#ticker, o.maxSeries, this.telemetry, this.#clock, o.idleSeriesMs !== undefined);
      this.#states.push(state);
      return state;
    };
    if (restoring) {
      for (const def of o.metrics) stateOf(compileMetric(def));
      this.#ticker.stop();
      this.#stopped = true;
      const stopped = Promise.resolve();
      this.#stop = () => stopped;
      return;
    }
    this.#attachment = attachMetrics(telemetry, `rx-telemetry/hdr#${++seq}`, o.metrics, (reader) => stateOf(reader).handle);
    this.#clock?.start();
    const idle = o.idleSeriesMs;
    this.#ticker.start(idle === undefined ? undefined : idleSweeper(telemetry, this.#states, idle, this.#ticker.sliceMs));
    this.#stop = telemetry.manage('hdr-aggregator', () => this.#close());
  }

  /**
   * Visits every metric and series as they are now: values, histogram counts and stats since the
   * start and over the window, exact cumulative bucket counts. Allocates nothing per series and
   * changes nothing: two reads at the same instant see the same data. See MetricsVisitor.
   */
  collect(visitor: MetricsVisitor): void {
    if (visitor === null || typeof visitor !== 'object') throw new TypeError('collect: visitor must be an object with metric/value/histogram methods');
    visitStates(this.#states, this.#ticker.current(), visitor);
  }

  /** Every metric's series now: values, and histogram stats since start and over the window. */
  snapshot(): MetricsSnapshot {
    return takeSnapshot((visitor) => this.collect(visitor), this.windowMs);
  }

  /**
   * A snapshot every `intervalMs` while subscribed (the timer is unref'd: it never keeps the
   * process alive). `stop()` sends each subscriber one last snapshot, then completes it. A
   * subscriber that throws is unsubscribed and reported (`['telemetry','hdr','subscriber_failure']`).
   */
  snapshots(intervalMs: number): Observable<MetricsSnapshot> {
    positiveInt(intervalMs, 'snapshots(intervalMs)');
    const self = this;
    return snapshotStream(
      {
        telemetry: this.telemetry,
        get stopped() {
          return self.stopped;
        },
        snapshot: () => this.snapshot(),
        onStop: (last) => {
          this.#onStop.add(last);
          return () => this.#onStop.delete(last);
        },
      },
      intervalMs,
    );
  }

  /** This aggregator's data as a string that `Aggregator.merge` combines with others' exactly. */
  encode(): string {
    return encodeStates({
      states: this.#states,
      layout: this.#layout,
      epoch: this.#ticker.current(),
      windowMs: this.windowMs,
      slices: this.#ticker.slots,
      significantDigits: this.significantDigits,
    });
  }

  /**
   * Combines `encode()` outputs of several processes or workers: counts and sums add,
   * histograms merge (percentiles of the union), lastValue keeps the newest.
   */
  static merge(...encoded: string[]): MetricsSnapshot {
    return mergeEncoded(encoded);
  }

  /**
   * The merge of `encode()` outputs as a stopped, read-only Aggregator on no bus — hand it to a
   * reporter to scrape a cluster as one (Prometheus bucket counts stay exact: they add).
   *
   * ```ts
   * const cluster = Aggregator.restore(...(await Promise.all(workers.map((w) => w.encode()))));
   * new PrometheusReporter(telemetry, { aggregator: cluster }).render();
   * ```
   */
  static restore(...encoded: string[]): Aggregator {
    const merged = mergeRaw(encoded);
    const defs = [...merged.metrics.values()].map((m) => definitionOf(m.first));
    const agg = new Aggregator(RESTORING as unknown as Telemetry, {
      metrics: defs,
      window: { durationMs: merged.windowMs, slices: merged.slices },
      significantDigits: merged.layout.digits,
      maxSeriesPerMetric: Number.MAX_SAFE_INTEGER,
    });
    const epoch = agg.#ticker.epoch;
    const slot = agg.#ticker.slot;
    agg.#states.forEach((st, i) => {
      const m = merged.metrics.get(defs[i].name) as MetricAcc;
      st.restoreCounts(m.dropped, m.overflow, m.folded, m.removed);
      for (const sa of m.series.values()) {
        const s = st.restore(sa.tags, sa.created);
        if (st.values !== undefined) st.values.values[2 * s.id] = sa.value;
        else st.hist?.load(s.id, sa.total.chunks(merged.layout), sa.total, sa.window.chunks(merged.layout), sa.window, sa.buckets, slot, epoch);
      }
    });
    return agg;
  }

  /**
   * Detaches every handler, stops the window timer, completes `snapshots()` streams after one
   * last snapshot, and unregisters from the bus's shutdown. Idempotent: every call returns the
   * same promise. What was recorded stays readable, so a last scrape or push loses nothing.
   */
  stop(): Promise<void> {
    return this.#stop();
  }

  #close(): void {
    this.#stopped = true;
    this.#ticker.stop();
    this.#clock?.stop();
    this.#attachment?.detach();
    for (const last of [...this.#onStop]) last();
    this.#onStop.clear();
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Bytes held by every histogram series (heads, chunk tables, counts blocks), for sizing. */
  histogramBytes(): number {
    let bytes = 0;
    for (const st of this.#states) bytes += st.hist?.bytes() ?? 0;
    return bytes;
  }
}
