// A task runtime's view of itself: executed, failed and pending tasks, p50–p99 and throughput per
// task type, a terminal view that refreshes in place, /metrics for Prometheus, and the final
// numbers exported as a JSON snapshot and a Prometheus text file.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { counter, distribution, lastValue, telemetry } from '@rx-telemetry/core';
import { Aggregator, type MetricsSnapshot } from '@rx-telemetry/hdr';
import { PrometheusReporter } from '@rx-telemetry/prometheus';
import { TaskExecutor } from './task-executor.js';

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '4' },
    port: { type: 'string', default: '9464' },
    json: { type: 'string', default: join(tmpdir(), 'tasks.json') },
    prom: { type: 'string', default: join(tmpdir(), 'tasks.prom') },
  },
});
const WINDOW_MS = 5000;

// 1. The store: what the task spans and queue events say.
const aggregator = new Aggregator(telemetry, {
  window: { durationMs: WINDOW_MS, slices: 5 },
  metrics: [
    counter('tasks.executed', { eventName: ['tasks', 'task', 'stop'], tags: ['type'], description: 'Tasks that completed' }),
    counter('tasks.failed', { eventName: ['tasks', 'task', 'exception'], tags: ['type'], description: 'Tasks that threw' }),
    distribution('tasks.duration', { eventName: ['tasks', 'task', 'stop'], measurement: 'duration', tags: ['type'], unit: { from: 'nanosecond', to: 'millisecond' }, reporterOptions: { buckets: [5, 10, 25, 50, 100] } }),
    lastValue('tasks.queue.pending', { description: 'Tasks waiting' }),
    lastValue('tasks.queue.running', { description: 'Tasks running' }),
  ],
});
const reporter = new PrometheusReporter(telemetry, { aggregator });
const server = await reporter.listen({ port: Number(args.port) });

// 2. The view: a snapshot every 250 ms (and a last one when the aggregator stops). On a terminal
// it redraws in place; piped, it prints a line per snapshot.
const started = performance.now();
let drawn = 0;
function view(s: MetricsSnapshot): void {
  const metric = (name: string) => s.metrics.find((m) => m.name === name)?.series ?? [];
  const total = (name: string) => metric(name).reduce((sum, x) => sum + (x.value ?? 0), 0);
  const seconds = Math.min(performance.now() - started, WINDOW_MS) / 1000;
  const lines = [
    `tasks: executed ${total('tasks.executed')}, failed ${total('tasks.failed')}, pending ${total('tasks.queue.pending')}, running ${total('tasks.queue.running')}; ` +
      `${(metric('tasks.duration').reduce((n, x) => n + (x.window?.count ?? 0), 0) / seconds).toFixed(1)} tasks/s`,
    ...metric('tasks.duration').map((x) => {
      const t = x.total!;
      return `  ${x.tags.type.padEnd(10)} p50 ${t.p50.toFixed(1).padStart(5)} ms  p90 ${t.p90.toFixed(1).padStart(5)}  p95 ${t.p95.toFixed(1).padStart(5)}  p99 ${t.p99.toFixed(1).padStart(5)}  ${((x.window?.count ?? 0) / seconds).toFixed(1).padStart(6)}/s`;
    }),
  ];
  if (process.stdout.isTTY) {
    if (drawn > 0) process.stdout.write(`\x1b[${drawn}A\x1b[J`); // up over the last view, clear below
    drawn = lines.length;
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
aggregator.snapshots(250).subscribe(view);
console.log(`metrics on ${server.url}/metrics`);

// 3. The workload: tasks of three types with their own durations; one in ten fails.
const executor = new TaskExecutor(Number(args.concurrency));
const durations: Record<string, number> = { resize: 8, thumbnail: 3, upload: 20 };
for (let i = 0; i < Number(args.tasks); i++) {
  const type = Object.keys(durations)[i % 3];
  executor.submit({
    id: `task-${i}`,
    type,
    run: async () => {
      await new Promise((resolve) => setTimeout(resolve, durations[type] * (0.5 + ((i * 7919) % 100) / 100)));
      if (i % 10 === 7) throw new Error(`task-${i} failed`);
    },
  });
}
await executor.drained();

// 4. Export, then one shutdown (the reporter closes /metrics, the aggregator sends its last snapshot to the view).
writeFileSync(args.json, `${JSON.stringify(aggregator.snapshot(), null, 2)}\n`);
await reporter.writeFile(args.prom);
await telemetry.shutdown();
console.log(`snapshot: ${args.json}; Prometheus text: ${args.prom}`);
