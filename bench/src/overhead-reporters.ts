// The reporters the overhead suite attaches, in two set-ups (bench/notes/overhead.md):
// 'service', what a GPU service runs and the budget reads: the compute metrics in an Aggregator
// read by a PrometheusReporter, the same metrics to a StatsD agent over UDP with client-side
// aggregation of counts and sums (and timer values held for its flush), the OpenTelemetry bridge tracing kernel spans (dispatches,
// compiles) through an SDK tracer, and attachLogger writing a line per dispatch and per compile
// and device event with the batch writer and a 100 ms flush interval; 'defaults', every reporter
// at its defaults given everything: a StatsD line per value, a span per transfer, a log line per
// event through pino's destination.
import { BasicTracerProvider, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { counter, distribution, sum, type Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { attachLogger, type LoggerOptions } from '@rx-telemetry/logger';
import { bridgeSpans } from '@rx-telemetry/otel';
import { defaultBuckets, PrometheusReporter } from '@rx-telemetry/prometheus';
import { StatsdReporter } from '@rx-telemetry/statsd';
import { consume } from './harness.js';

/** 'service': configured as a GPU service runs them (the budget's figures); 'defaults': every reporter at its defaults, given every event. */
export type Setup = 'service' | 'defaults';

const NS_TO_MS = { from: 'nanosecond', to: 'millisecond' } as const;

/** What a GPU service's dashboards read: kernel time and count per kernel, bytes moved per direction. */
export const COMPUTE_METRICS = [
  distribution('compute.kernel.dispatch.stop.duration', { tags: ['kernel', 'device'], unit: NS_TO_MS }),
  counter('compute.kernel.dispatch.stop.count', { tags: ['kernel', 'device'] }),
  sum('compute.memory.transfer.stop.bytes', { tags: ['direction'], unit: 'byte' }),
];

export type Reporter = 'aggregator + prometheus' | 'statsd' | 'otel bridge' | 'logger';
export const REPORTERS: readonly Reporter[] = ['aggregator + prometheus', 'statsd', 'otel bridge', 'logger'];

/**
 * The service's log: a line per kernel dispatch (its stop: kernel, device, workgroups, duration,
 * category; a start line would say nothing more) and per failure, compiles, device errors and
 * losses; not every buffer allocation and copy, which are metrics (the transfer sum above, the
 * webgpu memory gauges). 4 of a job's 70 events. The batch writer with a 100 ms flush interval:
 * one write per 100 ms instead of one per turn of the event loop.
 */
const SERVICE_LOG: LoggerOptions = {
  destination: '/dev/null',
  events: [['compute', 'kernel', 'dispatch', 'stop'], ['compute', 'kernel', 'dispatch', 'exception'], ['compute', 'kernel', 'compile'], ['compute', 'device']],
  writer: 'batch',
  flushIntervalMs: 100,
};
/** The service traces kernels; transfers are in the metrics. */
const SERVICE_SPANS = [['compute', 'kernel']];

/** An attached reporter: `flush()` finishes the work it deferred (lines, packets), `stop()` detaches it. */
export interface Attached {
  readonly flush: () => Promise<void>;
  readonly stop: () => Promise<void>;
}

const done = (): Promise<void> => Promise.resolve();

export function attach(bus: Telemetry, which: Reporter, statsdPort: number, setup: Setup): Attached {
  const service = setup === 'service';
  switch (which) {
    case 'aggregator + prometheus': {
      const aggregator = new Aggregator(bus, { metrics: COMPUTE_METRICS, defaultBuckets });
      const prometheus = new PrometheusReporter(bus, { aggregator });
      return {
        flush: done,
        stop: async () => {
          consume(prometheus.render('text').length);
          await prometheus.stop();
          await aggregator.stop();
        },
      };
    }
    case 'statsd': {
      const statsd = new StatsdReporter(bus, { metrics: COMPUTE_METRICS, host: '127.0.0.1', port: statsdPort, aggregation: service });
      // flush() sends what aggregation holds (timer values too), so the replay counts it in its window.
      return { flush: () => statsd.flush(), stop: () => statsd.stop() };
    }
    case 'otel bridge': {
      const provider = new BasicTracerProvider({ spanProcessors: [new NoopSpanProcessor()] });
      const bridge = bridgeSpans(bus, { tracer: provider.getTracer('bench'), orphanTimeoutMs: Infinity, ...(service ? { prefixes: SERVICE_SPANS } : {}) });
      return {
        flush: done,
        stop: async () => {
          await bridge.stop();
          await provider.shutdown();
        },
      };
    }
    case 'logger': {
      const attached = attachLogger(bus, service ? SERVICE_LOG : { destination: '/dev/null' });
      return { flush: () => attached.flush(), stop: () => attached.stop() };
    }
  }
}

/** Attaches every reporter in `which`; the result flushes and stops them all. */
export function attachAll(bus: Telemetry, which: readonly Reporter[], statsdPort: number, setup: Setup): Attached {
  const parts = which.map((r) => attach(bus, r, statsdPort, setup));
  return {
    flush: async () => {
      for (const p of parts) await p.flush();
    },
    stop: async () => {
      // Reverse order of attaching, as bus.shutdown() would.
      for (const p of [...parts].reverse()) await p.stop();
    },
  };
}
