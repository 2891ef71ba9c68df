// Using the reporter of one's own (line-protocol-reporter.ts) like any other: definitions in,
// lines out, stopped by the bus's one shutdown. Bad events are skipped and counted, never thrown.
import { counter, distribution, lastValue, MISSING_MEASUREMENT_EVENT, telemetry } from '@rx-telemetry/core';
import { LineProtocolReporter } from './line-protocol-reporter.js';

// A misspelt measurement key is a wiring mistake core reports once per definition.
telemetry.attach('warn', MISSING_MEASUREMENT_EVENT, (_e, _m, md) =>
  console.log(`warning: ${String(md.metric)} reads "${String(md.measurement)}", the event has ${JSON.stringify(md.available)}`));

const reporter = new LineProtocolReporter(telemetry, {
  flushEveryMs: 60_000,
  now: () => 1_700_000_000_000, // fixed timestamps, so the output below is exact
  metrics: [
    counter('http.request.stop.count', { tags: ['route', 'status'] }),
    distribution('http.request.stop.duration', { tags: ['route'], unit: { from: 'nanosecond', to: 'millisecond' } }),
    lastValue('queue.depth.size', { tags: ['queue'] }),
  ],
});

telemetry.emit(['http', 'request', 'stop'], { duration: 12e6 }, { route: '/users', status: 200 });
telemetry.emit(['http', 'request', 'stop'], { duration: 30e6 }, { route: '/users', status: 200 });
telemetry.emit(['http', 'request', 'stop'], { duration: 4e6 }, { route: '/login', status: 401 });
telemetry.emit(['queue', 'depth'], { size: 7 }, { queue: 'mail jobs' });
// Bad events: a missing tag, a non-finite value, a misspelt measurement. Skipped, counted.
telemetry.emit(['http', 'request', 'stop'], { duration: 5e6 }, { status: 200 });
telemetry.emit(['queue', 'depth'], { size: Number.NaN }, { queue: 'mail jobs' });
telemetry.emit(['queue', 'depth'], { length: 3 }, { queue: 'mail jobs' });

await telemetry.shutdown(); // the reporter's stop: detach, clear the timer, flush what it holds
console.log(reporter.stats());
