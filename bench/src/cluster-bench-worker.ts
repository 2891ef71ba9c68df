// A worker_threads worker of the cluster bench: SERIES routes, each a counter and a distribution
// with Prometheus' default buckets, fed once; then it only answers the primary's collects.
import { counter, distribution, Telemetry } from '@rx-telemetry/core';
import { joinCluster } from '@rx-telemetry/cluster';
import { Aggregator } from '@rx-telemetry/hdr';
import { defaultBuckets } from '@rx-telemetry/prometheus';
import { parentPort, workerData } from 'node:worker_threads';

const { routes } = workerData as { routes: number };
const EVENT = ['http', 'request', 'stop'];
const telemetry = new Telemetry();
const aggregator = new Aggregator(telemetry, {
  defaultBuckets,
  metrics: [
    counter('http.requests', { eventName: EVENT, tags: ['route'] }),
    distribution('http.request.duration', { eventName: EVENT, tags: ['route'], unit: { from: 'nanosecond', to: 'second' } }),
  ],
});
for (let i = 0; i < routes * 50; i++) telemetry.emit(EVENT, { duration: 1e6 * (1 + ((i * 7919) % 400)) }, { route: `/r${i % routes}` });
joinCluster(telemetry, { aggregator });
parentPort?.postMessage({ encodedBytes: Buffer.byteLength(aggregator.encode()) });
