import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { Aggregator, type CollectedMetric, type CollectedSeries, type HistogramReading } from '@rx-telemetry/hdr';
import { randomUUID } from 'node:crypto';
import { exponentialHistogram, maxScaleFor } from './exponential.js';
import { hdrBuckets } from './hdr-buckets.js';
import { ucum } from './units.js';

export interface AggregatorMetricProducerOptions {
  /** The resource's `service.name`. */
  readonly serviceName: string;
  /** The resource's `service.instance.id`; a random UUID by default (one per producer). */
  readonly serviceInstanceId?: string;
  /** More resource attributes (`deployment.environment.name`, …). */
  readonly resourceAttributes?: Attributes;
  /**
   * Distributions to export as exponential histograms (computed from the HDR counts) instead of
   * explicit-bucket histograms: `true` for all, or their names. Summaries always are.
   */
  readonly exponentialHistograms?: boolean | readonly string[];
  /** At most this many buckets per exponential histogram (default 160, the OpenTelemetry SDK's). */
  readonly maxExponentialBuckets?: number;
  /** Epoch milliseconds (tests); default Date.now. */
  readonly now?: () => number;
}

const SCOPE = Object.freeze({ name: '@rx-telemetry/otel-metrics', version: '0.1.0' });

function hrTime(ms: number): HrTime {
  const s = Math.floor(ms / 1000);
  return [s, Math.round((ms - s * 1000) * 1e6)];
}

// The overflow series is what OpenTelemetry calls the overflow attribute set.
function attributesOf(s: CollectedSeries): Attributes {
  return s.tags.overflow === 'true' && Object.keys(s.tags).length === 1 ? { 'otel.metric.overflow': true } : { ...s.tags };
}

/**
 * An `@rx-telemetry/hdr` Aggregator as an OpenTelemetry `MetricProducer`: give it to any
 * `MetricReader` (`new PeriodicExportingMetricReader({ exporter, metricProducers: [producer] })`)
 * and the reader's exporter ships what the aggregator holds. Counters and sums are cumulative
 * sums (monotonic for counters; sums that go down are exported as non-monotonic), distributions
 * explicit-bucket or exponential histograms, summaries exponential histograms, last values
 * gauges. It reads the aggregator through `collect()` and writes nothing.
 */
export class AggregatorMetricProducer implements MetricProducer {
  /** `service.name`, `service.instance.id` and `resourceAttributes`: give it to the MeterProvider of the reader. */
  readonly resource: Resource;
  readonly #aggregator: Aggregator;
  readonly #exponential: (name: string) => boolean;
  readonly #maxBuckets: number;
  readonly #maxScale: number;
  readonly #now: () => number;

  constructor(aggregator: Aggregator, options: AggregatorMetricProducerOptions) {
    if (!(aggregator instanceof Aggregator)) throw new TypeError('AggregatorMetricProducer: the first argument must be an Aggregator');
    if (options === null || typeof options !== 'object') throw new TypeError('AggregatorMetricProducer: options must be an object with serviceName');
    const { serviceName, serviceInstanceId = randomUUID(), resourceAttributes = {}, exponentialHistograms = false, maxExponentialBuckets = 160 } = options;
    if (typeof serviceName !== 'string' || serviceName === '') throw new TypeError('AggregatorMetricProducer: serviceName must be a non-empty string');
    if (typeof serviceInstanceId !== 'string' || serviceInstanceId === '') throw new TypeError('AggregatorMetricProducer: serviceInstanceId must be a non-empty string');
    if (!Number.isInteger(maxExponentialBuckets) || maxExponentialBuckets < 2) throw new TypeError('AggregatorMetricProducer: maxExponentialBuckets must be an integer >= 2 (values on both sides of 1 never share a bucket)');
    if (typeof exponentialHistograms !== 'boolean' && !Array.isArray(exponentialHistograms)) {
      throw new TypeError('AggregatorMetricProducer: exponentialHistograms must be a boolean or an array of metric names');
    }
    const names = new Set(typeof exponentialHistograms === 'boolean' ? [] : exponentialHistograms);
    const known = new Set<string>();
    aggregator.collect({
      metric: (m) => {
        known.add(m.definition.name);
        return false;
      },
    });
    for (const n of names) if (!known.has(n)) throw new TypeError(`AggregatorMetricProducer: exponentialHistograms names ${JSON.stringify(n)}, which the aggregator does not define`);
    this.#aggregator = aggregator;
    this.#exponential = exponentialHistograms === true ? () => true : (name) => names.has(name);
    this.#maxBuckets = maxExponentialBuckets;
    this.#maxScale = maxScaleFor(aggregator.significantDigits);
    this.#now = options.now ?? Date.now;
    this.resource = resourceFromAttributes({ ...resourceAttributes, 'service.name': serviceName, 'service.instance.id': serviceInstanceId });
  }

  /** Everything the aggregator holds now, as one scope `@rx-telemetry/otel-metrics`. Never rejects. */
  async collect(): Promise<CollectionResult> {
    const metrics: MetricData[] = [];
    const errors: unknown[] = [];
    const endMs = this.#now();
    const end = hrTime(endMs);
    // A cumulative point starts when its series' counts started (a series removed as idle and
    // recorded again starts anew); never after the collection.
    const startOf = (s: CollectedSeries): HrTime => hrTime(Math.min(s.created, endMs));
    let points: DataPoint<number>[] | DataPoint<Histogram>[] | DataPoint<ExponentialHistogram>[] = [];
    let exponential = false;
    const counts: number[] = [];
    this.#aggregator.collect({
      metric: (m) => {
        const d = m.definition;
        const descriptor = { name: d.name, description: d.description ?? '', unit: ucum(d.unit, d.type === 'counter'), valueType: d.type === 'counter' ? ValueType.INT : ValueType.DOUBLE };
        exponential = d.type === 'summary' || (d.type === 'distribution' && (m.buckets === undefined || this.#exponential(d.name)));
        points = [];
        const cumulative = AggregationTemporality.CUMULATIVE;
        if (d.type === 'counter' || d.type === 'sum') {
          // A sum shown as a Prometheus gauge is an up-down counter; see below for one that went negative.
          metrics.push({ descriptor, aggregationTemporality: cumulative, dataPointType: DataPointType.SUM, dataPoints: points as DataPoint<number>[], isMonotonic: d.type === 'counter' || d.reporterOptions.prometheusType !== 'gauge' });
        } else if (d.type === 'lastValue') metrics.push({ descriptor, aggregationTemporality: cumulative, dataPointType: DataPointType.GAUGE, dataPoints: points as DataPoint<number>[] });
        else if (exponential) metrics.push({ descriptor, aggregationTemporality: cumulative, dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM, dataPoints: points as DataPoint<ExponentialHistogram>[] });
        else metrics.push({ descriptor, aggregationTemporality: cumulative, dataPointType: DataPointType.HISTOGRAM, dataPoints: points as DataPoint<Histogram>[] });
        return true;
      },
      value: (_m, s, value) => {
        (points as DataPoint<number>[]).push({ startTime: startOf(s), endTime: end, attributes: attributesOf(s), value });
      },
      histogram: (m, s, r) => {
        try {
          if (exponential) (points as DataPoint<ExponentialHistogram>[]).push({ startTime: startOf(s), endTime: end, attributes: attributesOf(s), value: this.#exponentialOf(r) });
          else (points as DataPoint<Histogram>[]).push({ startTime: startOf(s), endTime: end, attributes: attributesOf(s), value: explicitOf(m, r, counts) });
        } catch (error) {
          errors.push(error);
        }
      },
    });
    // A sum exported as monotonic must never decrease: one below zero is not monotonic after all.
    const out = metrics
      .filter((m) => m.dataPoints.length !== 0)
      .map((m) => (m.dataPointType === DataPointType.SUM && m.isMonotonic && m.dataPoints.some((p) => p.value < 0) ? { ...m, isMonotonic: false } : m));
    return { resourceMetrics: { resource: this.resource, scopeMetrics: [{ scope: SCOPE, metrics: out }] }, errors };
  }

  #exponentialOf(r: HistogramReading): ExponentialHistogram {
    const t = r.total;
    return exponentialHistogram(hdrBuckets(t), t.sum, t.min, t.max, this.#maxScale, this.#maxBuckets);
  }
}

function explicitOf(m: CollectedMetric, r: HistogramReading, counts: number[]): Histogram {
  const t = r.total;
  const cum = r.cumulativeCounts(counts);
  const perBucket: number[] = new Array<number>(cum.length + 1);
  let prev = 0;
  for (let j = 0; j < cum.length; j++) {
    perBucket[j] = cum[j] - prev;
    prev = cum[j];
  }
  perBucket[cum.length] = t.count - prev;
  const empty = t.count === 0;
  return { buckets: { boundaries: [...(m.buckets ?? [])], counts: perBucket }, count: t.count, sum: t.sum, min: empty ? undefined : t.min, max: empty ? undefined : t.max };
}
