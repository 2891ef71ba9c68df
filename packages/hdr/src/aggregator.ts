import { Telemetry, type EventName, type MetricDefinition } from '@rx-telemetry/core';
import { Observable } from 'rxjs';
import { encodeHistogram, FORMAT, mergeEncoded, mergeRaw, type Encoded, type EncodedMetric, type EncodedSeries, type MetricAcc } from './codec.js';
import { definitionOf, jsonSafe } from './restore.js';
import { layoutFor, type Layout } from './layout.js';
import { MetricState } from './metric-state.js';
import { HistogramSeries, ValueSeries } from './series.js';
import type { MetricSnapshot, MetricsSnapshot, SeriesSnapshot } from './snapshot.js';
import { histogramStats } from './stats.js';
import { Ticker } from './ticker.js';

export interface AggregatorOptions {
  readonly metrics: readonly MetricDefinition[];
  /** Sliding window for the `window` stats and summary quantiles; default 60 s in 6 slices. */
  readonly window?: { readonly durationMs: number; readonly slices: number };
  /** HdrHistogram precision, 1..5; default 2 (1% relative), which keeps 1,000 windowed series under 50 MB. */
  readonly significantDigits?: number;
  /** Tag sets per metric before further ones fold into `{ overflow: 'true' }`; default 10,000. */
  readonly maxSeriesPerMetric?: number;
  /** Milliseconds clock for the window (tests inject one); default `performance.now`. */
  readonly now?: () => number;
}

let seq = 0;

function positiveInt(value: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new TypeError(`Aggregator: ${what} must be an integer from 1 to ${max}, got ${String(value)}`);
  }
  return value;
}

function isDefinition(d: unknown): d is MetricDefinition {
  const m = d as MetricDefinition | null;
  return m !== null && typeof m === 'object' && typeof m.name === 'string' && typeof m.type === 'string' && Array.isArray(m.eventName) && typeof m.tagValuesOf === 'function' && typeof m.filtered === 'boolean' && typeof m.hasTagValues === 'boolean';
}

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
  readonly #telemetry: Telemetry;
  readonly #layout: Layout;
  readonly #ticker: Ticker;
  readonly #states: MetricState[] = [];
  readonly #ids: string[] = [];
  readonly #timer: NodeJS.Timeout;
  /** Open snapshots() subscriptions: each gets a last snapshot and completes on stop(). */
  readonly #onStop = new Set<() => void>();
  #stopped = false;

  constructor(telemetry: Telemetry, options: AggregatorOptions) {
    if (!(telemetry instanceof Telemetry)) throw new TypeError('Aggregator: telemetry must be a Telemetry instance');
    if (options === null || typeof options !== 'object') throw new TypeError('Aggregator: options must be an object');
    const { metrics } = options;
    if (!Array.isArray(metrics) || metrics.length === 0) throw new TypeError('Aggregator: options.metrics must be a non-empty array of metric definitions');
    const window = options.window ?? { durationMs: 60_000, slices: 6 };
    if (window === null || typeof window !== 'object') throw new TypeError('Aggregator: options.window must be { durationMs, slices }');
    const durationMs = positiveInt(window.durationMs, 'window.durationMs');
    const slices = positiveInt(window.slices, 'window.slices', 1000);
    if (durationMs / slices < 1) throw new TypeError('Aggregator: a window slice must last at least 1 ms');
    this.significantDigits = positiveInt(options.significantDigits ?? 2, 'significantDigits', 5);
    const maxSeries = positiveInt(options.maxSeriesPerMetric ?? 10_000, 'maxSeriesPerMetric');
    const now = options.now ?? performance.now.bind(performance);
    if (typeof now !== 'function') throw new TypeError('Aggregator: options.now must be a function');

    this.#telemetry = telemetry;
    this.windowMs = durationMs;
    this.#layout = layoutFor(this.significantDigits);
    this.#ticker = new Ticker(durationMs, slices, now);

    const names = new Set<string>();
    const byEvent = new Map<string, { event: EventName; states: MetricState[] }>();
    for (const def of metrics) {
      if (!isDefinition(def)) throw new TypeError('Aggregator: every metric must come from counter(), sum(), lastValue(), summary() or distribution()');
      if (names.has(def.name)) throw new TypeError(`Aggregator: metric ${JSON.stringify(def.name)} is defined twice`);
      // The overflow series is labelled { overflow: 'true' }: a tag of that name could produce a
      // real series with the very same labels (a duplicate series for every exporter).
      if (def.tags.includes('overflow')) throw new TypeError(`Aggregator: metric ${JSON.stringify(def.name)} has a tag named "overflow", which is reserved for the overflow series`);
      names.add(def.name);
      const state = new MetricState(def, this.#layout, this.#ticker, maxSeries, telemetry);
      this.#states.push(state);
      const key = def.eventName.join('\u0000');
      let group = byEvent.get(key);
      if (group === undefined) byEvent.set(key, (group = { event: def.eventName, states: [] }));
      group.states.push(state);
    }
    const id = `rx-telemetry/hdr#${++seq}`;
    for (const { event, states } of byEvent.values()) {
      const handlerId = `${id}:${event.join('.')}`;
      // One closure per event; a single metric skips the loop.
      if (states.length === 1) {
        const s = states[0];
        telemetry.attach(handlerId, event, (_e, m, md) => s.handle(m, md), undefined, { onFailure: 'keep' });
      } else {
        const list = states;
        telemetry.attach(handlerId, event, (_e, m, md) => {
            for (let i = 0; i < list.length; i++) list[i].handle(m, md);
          }, undefined, { onFailure: 'keep' });
      }
      this.#ids.push(handlerId);
    }
    this.#timer = setInterval(() => this.#ticker.tick(), this.#ticker.sliceMs);
    this.#timer.unref();
  }

  /** Every metric's series now: values, and histogram stats since start and over the window. */
  snapshot(): MetricsSnapshot {
    if (!this.#stopped) this.#ticker.tick();
    const epoch = this.#ticker.epoch;
    let droppedEvents = 0;
    let overflowSeries = 0;
    const metrics: MetricSnapshot[] = this.#states.map((st) => {
      droppedEvents += st.dropped;
      overflowSeries += st.overflowed;
      const series: SeriesSnapshot[] = st.all.map((s) => {
        if (s instanceof ValueSeries) return { tags: s.tags, value: s.value };
        // Views share one scratch buffer: use each before taking the next.
        const t = s.totalView();
        const total = histogramStats(this.#layout, t.chunks, t.count, t.sum, t.min, t.max, st.factor);
        const w = s.windowView(epoch);
        return { tags: s.tags, total, window: histogramStats(this.#layout, w.chunks, w.count, w.sum, w.min, w.max, st.factor) };
      });
      const d = st.def;
      return { name: d.name, type: d.type, unit: d.unit, description: d.description, series, droppedEvents: st.dropped, overflowSeries: st.overflowed };
    });
    return { timestamp: Date.now(), windowMs: this.windowMs, metrics, droppedEvents, overflowSeries };
  }

  /**
   * A snapshot every `intervalMs` while subscribed (the timer is unref'd: it never keeps the
   * process alive). `stop()` sends each subscriber one last snapshot, then completes it, so a
   * consumer sees what was recorded up to the stop and nothing is left running.
   */
  snapshots(intervalMs: number): Observable<MetricsSnapshot> {
    positiveInt(intervalMs, 'snapshots(intervalMs)');
    return new Observable<MetricsSnapshot>((subscriber) => {
      if (this.#stopped) {
        subscriber.next(this.snapshot());
        subscriber.complete();
        return undefined;
      }
      const t = setInterval(() => subscriber.next(this.snapshot()), intervalMs);
      t.unref();
      const last = (): void => {
        clearInterval(t);
        subscriber.next(this.snapshot());
        subscriber.complete();
      };
      this.#onStop.add(last);
      return () => {
        clearInterval(t);
        this.#onStop.delete(last);
      };
    });
  }

  /** This aggregator's data as a string that `Aggregator.merge` combines with others' exactly. */
  encode(): string {
    if (!this.#stopped) this.#ticker.tick();
    const epoch = this.#ticker.epoch;
    const layout = this.#layout;
    const metrics: EncodedMetric[] = this.#states.map((st) => {
      const series: EncodedSeries[] = st.all.map((s) => {
        if (s instanceof ValueSeries) return { tags: s.tags, value: s.value };
        const t = s.totalView();
        const total = encodeHistogram(layout, t.chunks, t.count, t.sum, t.min, t.max);
        const w = s.windowView(epoch);
        const window = encodeHistogram(layout, w.chunks, w.count, w.sum, w.min, w.max);
        return s.buckets === undefined ? { tags: s.tags, total, window } : { tags: s.tags, total, window, buckets: [...s.buckets] };
      });
      const d = st.def;
      return {
        name: d.name,
        type: d.type,
        unit: d.unit ?? null,
        description: d.description ?? null,
        factor: st.factor,
        tags: d.tags,
        bounds: st.buckets ?? null,
        reporterOptions: jsonSafe(d.reporterOptions),
        droppedEvents: st.dropped,
        overflowSeries: st.overflowed,
        series,
      };
    });
    const out: Encoded = {
      format: FORMAT,
      timestamp: Date.now(),
      windowMs: this.windowMs,
      slices: this.#ticker.slots,
      significantDigits: this.significantDigits,
      metrics,
    };
    return JSON.stringify(out);
  }

  /**
   * Combines `encode()` outputs of several processes or workers: counts and sums add,
   * histograms merge (percentiles of the union), lastValue keeps the newest.
   */
  static merge(...encoded: string[]): MetricsSnapshot {
    return mergeEncoded(encoded);
  }

  /**
   * The merge of `encode()` outputs as a stopped, read-only Aggregator — hand it to a reporter
   * to scrape a cluster as one (Prometheus bucket counts stay exact: they add).
   *
   * ```ts
   * const cluster = Aggregator.restore(...(await Promise.all(workers.map((w) => w.encode()))));
   * new PrometheusReporter({ aggregator: cluster }).render();
   * ```
   */
  static restore(...encoded: string[]): Aggregator {
    const merged = mergeRaw(encoded);
    const defs = [...merged.metrics.values()].map((m) => definitionOf(m.first));
    const agg = new Aggregator(new Telemetry(), {
      metrics: defs,
      window: { durationMs: merged.windowMs, slices: merged.slices },
      significantDigits: merged.layout.digits,
      maxSeriesPerMetric: Number.MAX_SAFE_INTEGER,
    });
    agg.stop();
    const epoch = agg.#ticker.epoch;
    const slot = agg.#ticker.slot;
    agg.#states.forEach((st, i) => {
      const m = merged.metrics.get(defs[i].name) as MetricAcc;
      st.restoreCounts(m.dropped, m.overflow);
      for (const sa of m.series.values()) {
        const s = st.restore(sa.tags);
        if (s instanceof ValueSeries) s.value = sa.value;
        else s.load(sa.total.chunks(merged.layout), sa.total, sa.window.chunks(merged.layout), sa.window, sa.buckets, slot, epoch);
      }
    });
    return agg;
  }

  /**
   * Detaches every handler, stops the window timer, and completes `snapshots()` streams after
   * one last snapshot. What was recorded stays readable (plain typed arrays the garbage
   * collector frees with the aggregator), so a last snapshot, scrape or push after stop loses
   * nothing. WebAssembly histograms only live inside encode() and are destroyed there, so none
   * is left to free.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    for (const id of this.#ids) this.#telemetry.detach(id);
    for (const last of [...this.#onStop]) last();
    this.#onStop.clear();
  }

  /** The bus this aggregator listens on (reporters emit their own events on it). */
  get telemetry(): Telemetry {
    return this.#telemetry;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Bytes of counts held by every histogram series (typed arrays), for sizing. */
  histogramBytes(): number {
    let bytes = 0;
    for (const st of this.#states) for (const s of st.all) if (s instanceof HistogramSeries) bytes += s.countBytes();
    return bytes;
  }

  /** @internal reporters read the live state directly (no snapshot allocation per scrape). */
  _states(): readonly MetricState[] {
    if (!this.#stopped) this.#ticker.tick();
    return this.#states;
  }

  /** @internal */
  _epoch(): number {
    return this.#ticker.epoch;
  }

  /** @internal */
  get _layout(): Layout {
    return this.#layout;
  }
}

