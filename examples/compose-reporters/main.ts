// One set of metric definitions, four reporters (Prometheus, StatsD, the logger, alerts), one
// workload, and one `await telemetry.shutdown()` that stops them all: the final StatsD packet and
// Pushgateway push go out, the log is written, and the process exits on its own.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { counter, distribution, sum, telemetry, withCorrelation } from '@rx-telemetry/core';
import { Alerts, type Alert } from '@rx-telemetry/alerts';
import { Aggregator } from '@rx-telemetry/hdr';
import { attachLogger } from '@rx-telemetry/logger';
import { PrometheusReporter } from '@rx-telemetry/prometheus';
import { StatsdReporter } from '@rx-telemetry/statsd';

const { values: args } = parseArgs({
  options: {
    statsd: { type: 'string', default: '127.0.0.1:8125' },  // UDP: nothing needs to listen there
    pushgateway: { type: 'string' },                       // e.g. http://127.0.0.1:9091
    port: { type: 'string', default: '9464' },
    log: { type: 'string', default: join(tmpdir(), 'compose-reporters.jsonl') },
    orders: { type: 'string', default: '60' },
  },
});

// 1. What to measure, once, for every reporter.
const metrics = [
  counter('shop.checkout.stop.count', { tags: ['payment'], description: 'Completed checkouts' }),
  counter('shop.checkout.exception.count', { tags: ['payment'], description: 'Failed checkouts' }),
  sum('shop.checkout.stop.items', { tags: ['payment'], description: 'Items sold' }),
  distribution('shop.checkout.stop.duration', {
    tags: ['payment'], unit: { from: 'nanosecond', to: 'millisecond' }, reporterOptions: { buckets: [5, 10, 25, 50, 100] },
  }),
];

// 2. The parts, store first, then what reads it: shutdown stops them in reverse order.
const aggregator = new Aggregator(telemetry, { metrics });
const prometheus = new PrometheusReporter(telemetry, { aggregator, defaultLabels: { service: 'shop' } });
const server = await prometheus.listen({ port: Number(args.port) });
if (args.pushgateway !== undefined) prometheus.pushEvery({ url: args.pushgateway, job: 'shop', intervalMs: 60_000 });
const [host, port] = args.statsd.split(':');
new StatsdReporter(telemetry, { metrics, host, port: Number(port) });
const log = attachLogger(telemetry, { destination: args.log, events: [['shop', 'checkout', 'stop'], ['shop', 'checkout', 'exception'], ['telemetry', 'alert']] });
const notify = (alert: Alert): void =>
  console.log(`alert ${alert.name} ${alert.status} ${JSON.stringify(alert.labels)}` + (alert.status === 'firing' ? `: p99 ${alert.value.toFixed(1)} ms > ${alert.threshold} ms` : ` (${alert.reason ?? 'back to normal'})`));
const alerts = new Alerts(telemetry, {
  aggregator, intervalMs: 100, handlers: [notify],
  rules: [{ name: 'SlowCheckout', severity: 'warning', metric: 'shop.checkout.stop.duration', stat: 'p99', op: '>', threshold: 25 }],
});
console.log(`metrics on ${server.url}/metrics; StatsD to ${args.statsd}; log ${args.log}`);

// 3. The workload: checkouts, one correlated span each; every tenth is slow, every seventh fails.
const orders = Number(args.orders);
for (let i = 1; i <= orders; i++) {
  await withCorrelation(`order-${i}`, () =>
    telemetry.span(['shop', 'checkout'], { payment: i % 2 === 0 ? 'card' : 'paypal' }, async (scope) => {
      await new Promise((resolve) => setTimeout(resolve, i % 10 === 0 ? 40 : 2));
      if (i % 7 === 0) throw new Error(`payment declined for order ${i}`);
      scope.measure({ items: 1 + (i % 3) });
    }).catch(() => undefined), // the exception is on the bus (logged, counted); the shop carries on
  );
}

// 4. One call stops everything, in reverse order: alerts (resolutions sent), logger (last lines
// written), StatsD (last packet), Prometheus (final push, server closed), the aggregator.
const report = await telemetry.shutdown();
console.log(`stopped: ${report.stopped.join(', ')}; failed: ${report.failed.length}; abandoned: ${report.abandoned.length}`);
console.log(`orders: ${orders}; alerts notified: ${alerts.history().length}; log lines written: ${log.stats().written}, dropped: ${log.stats().dropped}`);
// What would keep the process alive: only standard output and error should be left. (Read after
// one turn of the event loop, once the handles the shutdown closed have run their close callbacks.)
setImmediate(() => setImmediate(() => console.log(`active: ${JSON.stringify(process.getActiveResourcesInfo())}`)));
