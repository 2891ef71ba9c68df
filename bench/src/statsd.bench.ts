// StatsD reporter per event against the hot-shots call a user would write instead: same metric,
// same tags, same client settings, real UDP to a socket on 127.0.0.1 in both cases.
import { createSocket } from 'node:dgram';
import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { StatsdReporter } from '@rx-telemetry/statsd';
import StatsDClient from 'hot-shots';
import { find, measure, ratio, report, type CaseResult, type SuiteResult, pairedRatio } from './harness.js';

/**
 * `a` over `b` as the median of their per-round ratios: measure() runs every case once per round,
 * so a round's two batches share the machine's state (this VM's neighbours come and go); a ratio
 * of two whole-run medians does not pair them.
 */


export async function run(): Promise<SuiteResult> {
  const sink = createSocket('udp4');
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  sink.on('message', () => undefined);
  const port = sink.address().port;
  const client = (datadog: boolean): InstanceType<typeof StatsDClient> =>
    new StatsDClient({ host: '127.0.0.1', port, maxBufferSize: 1432, datadog, includeDataDogTags: false, originDetection: false, includeDatadogTelemetry: false });
  const rawStandard = client(false);
  const rawDatadog = client(true);

  const metric = (): ReturnType<typeof distribution> =>
    distribution('compute.kernel.dispatch.stop.duration', { tags: ['kernel', 'device'], unit: { from: 'nanosecond', to: 'millisecond' } });
  const busStandard = new Telemetry();
  const standard = new StatsdReporter(busStandard, { metrics: [metric()], port, maxBufferSize: 1432 });
  const busDatadog = new Telemetry();
  const datadog = new StatsdReporter(busDatadog, { metrics: [metric()], port, maxBufferSize: 1432, formatter: 'datadog' });
  const hStandard = busStandard.event(['compute', 'kernel', 'dispatch', 'stop']);
  const hDatadog = busDatadog.event(['compute', 'kernel', 'dispatch', 'stop']);
  const metadata = { kernel: 'add', device: 'gpu0' };

  const results = measure([
    // What a user writes without the bus: the name with tag values, the value converted to ms.
    { name: 'hot-shots timing(), standard', loop: (n) => { for (let i = 0; i < n; i++) rawStandard.timing(`compute.kernel.dispatch.stop.duration.${metadata.kernel}.${metadata.device}`, (1_000_000 + i) / 1e6); } },
    { name: 'StatsdReporter per event, standard', loop: (n) => { for (let i = 0; i < n; i++) hStandard.emit({ duration: 1_000_000 + i }, metadata); } },
    { name: 'hot-shots distribution() with tags, datadog', loop: (n) => { for (let i = 0; i < n; i++) rawDatadog.distribution('compute.kernel.dispatch.stop.duration', (1_000_000 + i) / 1e6, metadata); } },
    { name: 'StatsdReporter per event, datadog', loop: (n) => { for (let i = 0; i < n; i++) hDatadog.emit({ duration: 1_000_000 + i }, metadata); } },
  ], { batches: 31 });

  // Client-side aggregation (issue 12): a counter with the same two tags, each event sent as its
  // own line against added up in the client (hot-shots keys each record by name and tags).
  const counterBus = (aggregation: boolean): { bus: Telemetry; reporter: StatsdReporter } => {
    const bus = new Telemetry();
    const reporter = new StatsdReporter(bus, { metrics: [counter('compute.kernel.dispatch.stop.count', { tags: ['kernel', 'device'] })], port, maxBufferSize: 1432, formatter: 'datadog', aggregation });
    return { bus, reporter };
  };
  const lines = counterBus(false);
  const aggregated = counterBus(true);
  const hLines = lines.bus.event(['compute', 'kernel', 'dispatch', 'stop']);
  const hAggregated = aggregated.bus.event(['compute', 'kernel', 'dispatch', 'stop']);
  const counted = measure([
    { name: 'StatsdReporter counter per event, datadog, a line each', loop: (n) => { for (let i = 0; i < n; i++) hLines.emit({ duration: i }, metadata); } },
    { name: 'StatsdReporter counter per event, datadog, aggregation', loop: (n) => { for (let i = 0; i < n; i++) hAggregated.emit({ duration: i }, metadata); } },
  ], { batches: 31 });

  await Promise.all([standard.stop(), datadog.stop(), lines.reporter.stop(), aggregated.reporter.stop(), new Promise((r) => rawStandard.close(r)), new Promise((r) => rawDatadog.close(r))]);
  sink.close();
  const r = (name: string): CaseResult => find(results, name);
  return report('statsd', [...results, ...counted], ['hot-shots timing(), standard', 'hot-shots distribution() with tags, datadog', 'StatsdReporter counter per event, datadog, a line each'], [
    ratio('standard: reporter <= 1.2x raw hot-shots (paired rounds)', pairedRatio(r('StatsdReporter per event, standard'), r('hot-shots timing(), standard')), 1, 1.2),
    ratio('datadog: reporter <= 1.2x raw hot-shots (paired rounds)', pairedRatio(r('StatsdReporter per event, datadog'), r('hot-shots distribution() with tags, datadog')), 1, 1.2),
  ]);
}
