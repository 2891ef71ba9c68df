import { attach, emit, span, telemetry, withCorrelation } from '@rx-telemetry/core';

// Attach a handler to an exact event name; it runs synchronously on every emit.
attach('log-queries', ['db', 'query', 'stop'], (event, measurements, metadata) => {
  const ms = (measurements.duration / 1e6).toFixed(3);
  console.log(`${event.join('.')} table=${String(metadata.table)} rows=${String(metadata.rows)} ${ms} ms correlation=${String(metadata.correlationId)}`);
});

// Or watch a pattern as an RxJS Observable ('*' matches one segment).
const sub = telemetry.events(['db', '*', 'start']).subscribe((e) => console.log(`started ${e.name.join('.')} (${e.correlationId})`));

// Plain events: a name, measurements and metadata.
attach('cache', ['cache', 'miss'], (_event, measurements, metadata) => console.log(`cache miss key=${String(metadata.key)} size=${measurements.size}`));
emit(['cache', 'miss'], { size: 1 }, { key: 'user:42' });

// A span emits [...prefix, 'start'] and [...prefix, 'stop'] (or 'exception'), timing the callback,
// and every event inside withCorrelation carries its id, across await.
await withCorrelation('req-7', () =>
  span(['db', 'query'], { table: 'users' }, async (scope) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    scope.set({ rows: 3 });
    return 3;
  }),
);

sub.unsubscribe();
await telemetry.shutdown();
